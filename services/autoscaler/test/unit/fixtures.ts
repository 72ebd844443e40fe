// One service policy for the decision tests (target tracking, the combined decision, the
// forecast): the catalog's defaults with a max of 6, changed per test where it matters.
import type { ServicePolicy } from '../../src/domain/policy.ts';

export const servicePolicy = (over: Partial<ServicePolicy> = {}): ServicePolicy => ({
  service: 'catalog',
  min: 2,
  max: 6,
  metric: 'rps-per-replica',
  target: 120,
  tolerance: 0.1,
  scaleOutCooldownSeconds: 20,
  scaleInCooldownSeconds: 90,
  scaleInStabilizationSeconds: 60,
  maxStep: 2,
  ...over,
});
