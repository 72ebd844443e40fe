// The autoscaler's policy as the domain holds it. The parts the API shows are the contract's
// (@surge-lab/contracts/autoscaler); a schedule entry and the whole policy are held here. Every
// module of the domain takes its types from this file, so none imports another for a type.
import type { PredictivePolicy, RecoveryPolicy, ScheduleTime, ServicePolicy as ServicePolicyOf } from '@surge-lab/contracts/autoscaler';
import { SCALABLE_SERVICES, type ScalableService } from '@surge-lab/lab';

export type { Hold, PredictivePolicy, RecoveryPolicy, ScaleAction, ScalingDecision, ScalingMetric, ScheduleTime } from '@surge-lab/contracts/autoscaler';
export { MAX_REPLICAS, METRICS } from '@surge-lab/contracts/autoscaler';

/** The services the autoscaler may scale: the lab's topology manifest says which. */
export const APP_SERVICES = SCALABLE_SERVICES;
export type AppService = ScalableService;
export type ServicePolicy = ServicePolicyOf<AppService>;

export interface ScheduleEntry {
  name: string;
  service: AppService;
  /** As written: `HH:MM` (daily, UTC) or an ISO timestamp. */
  at: string;
  when: ScheduleTime;
  leadSeconds: number;
  durationSeconds: number;
  minReplicas: number;
}

export interface ScalingPolicy {
  /** false: decisions are computed and reported, nothing is changed. */
  enabled: boolean;
  intervalSeconds: number;
  /** Only the services listed here are scaled; the others keep their Compose replica count. */
  services: Partial<Record<AppService, ServicePolicy>>;
  schedule: ScheduleEntry[];
  predictive: PredictivePolicy;
  recovery: RecoveryPolicy;
}
