// The lab's controller: every interval it (1) restarts containers that are hung (unhealthy and
// not answering even their liveness endpoint) and (2) sets each app service's replica count from
// target tracking, the schedule and the forecast. It acts through the Docker socket: a new replica
// is a copy of a running one (as Compose makes them, so `docker compose ps` lists it); a replica
// removed is stopped gracefully (SIGTERM, drain) first. Every decision is logged with its reason,
// exported as metrics and, when Grafana is up, annotated.
import type { ControllerEvent, ControllerState, ScalingModes, ServiceView } from '@surge-lab/contracts/autoscaler';
import type { Logger, Metrics } from '@surge-lab/kit';
import { type Container as ContainerState, type Lab, RECOVERABLE_SERVICES } from '@surge-lab/lab';
import { decide, initialScalingState, type ScalingState } from './domain/decide.ts';
import { forecastAt, predictiveFloor, type Sample } from './domain/forecast.ts';
import type { AppService, ScalingPolicy, ScheduleEntry, ServicePolicy } from './domain/policy.ts';
import { type RecoveryState, recoveryDecision } from './domain/recovery.ts';
import { nextScheduled, scheduleFloor } from './domain/schedule.ts';
import { recommend } from './domain/target-tracking.ts';
import { controllerMetrics } from './metrics.ts';
import { noStateStore, type StateStore } from './state-store.ts';

// Stateful members heal through their own cluster managers (Patroni, Kafka's controller): a
// restart from outside in the middle of a failover would fight them. The shop and the edge are
// stateless, so a restart is safe.
export const RECOVERABLE: readonly string[] = RECOVERABLE_SERVICES;

/** The metric per replica, as the policy names it, from Prometheus. */
export function metricQuery(service: string, metric: ServicePolicy['metric']): string {
  const sel = `{service="${service}"}`;
  if (metric === 'rps-per-replica') return `sum(rate(http_server_request_duration_seconds_count${sel}[30s]))`;
  if (metric === 'inflight-per-replica') return `sum(avg_over_time(http_requests_in_flight${sel}[30s]))`;
  return `avg(nodejs_eventloop_lag_p99_seconds${sel}) * 1000`;
}

export type { ControllerEvent } from '@surge-lab/contracts/autoscaler';

export class Controller {
  autoscaling: boolean;
  recovery: boolean;
  /** Scaling ahead of the load: the schedule's floors apply, the forecast's apply. */
  scheduleFloors: boolean;
  forecastFloors: boolean;
  private readonly policy: ScalingPolicy;
  private readonly log: Logger;
  private readonly runtimeSchedule: ScheduleEntry[] = [];
  private readonly states = new Map<AppService, ScalingState>();
  private readonly recoveryStates = new Map<string, RecoveryState>();
  private readonly views = new Map<AppService, ServiceView>();
  private readonly history = new Map<AppService, { at: number; samples: Sample[] }>();
  private readonly draining = new Set<string>();
  private readonly events: ControllerEvent[] = [];
  private readonly lastReason = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** The tick in progress and the scale-ins still draining: a stop waits for them. */
  private ticking?: Promise<void>;
  private readonly removals = new Set<Promise<void>>();
  private lastTickAt?: Date;
  private lastError?: string;
  private readonly m: ReturnType<typeof controllerMetrics>;

  private readonly lab: Lab;
  private readonly store: StateStore;

  /** `store` keeps the modes and the schedule entries changed at run time across restarts (none by default). */
  constructor(lab: Lab, policy: ScalingPolicy, log: Logger, metrics: Metrics, o: { store?: StateStore } = {}) {
    this.lab = lab;
    this.policy = policy;
    this.log = log;
    this.store = o.store ?? noStateStore;
    const saved = this.store.load(policy, Date.now());
    this.autoscaling = saved.modes?.autoscaling ?? policy.enabled;
    this.recovery = saved.modes?.recovery ?? policy.recovery.enabled;
    this.scheduleFloors = saved.modes?.scheduleFloors ?? true;
    this.forecastFloors = saved.modes?.forecastFloors ?? policy.predictive.enabled;
    this.runtimeSchedule.push(...saved.schedule);
    this.m = controllerMetrics(metrics);
    // Series from the start: a graph shows 0, not "no data".
    for (const s of Object.keys(policy.services)) for (const direction of ['out', 'in']) this.m.events.inc({ service: s, direction }, 0);
    for (const s of RECOVERABLE) {
      this.m.restarts.inc({ service: s }, 0);
      this.m.loops.inc({ service: s }, 0);
    }
    this.setModes({});
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      this.ticking = this.tick().catch((err: Error) => {
        this.lastError = err.message;
        this.log.warn({ err: err.message }, 'controller tick failed');
      });
      await this.ticking;
      if (!this.stopped) this.timer = setTimeout(loop, this.policy.intervalSeconds * 1_000);
    };
    this.timer = setTimeout(loop, 1_000);
  }

  /**
   * Stops the loop, then waits for the tick in progress and for the replicas being removed: a
   * replica left stopped but not removed would count as configured after a restart (and a
   * "start every stopped container" would bring it back).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.removals]);
  }

  /** The policy as loaded (the runtime schedule entries are in `schedule()`). */
  loadedPolicy(): ScalingPolicy {
    return this.policy;
  }

  schedule(): ScheduleEntry[] {
    return [...this.policy.schedule, ...this.runtimeSchedule];
  }

  addScheduleEntry(entry: ScheduleEntry): void {
    this.runtimeSchedule.push(entry);
    this.save();
    this.log.info({ entry: { ...entry, when: undefined } }, `schedule: ${entry.name} added (${entry.minReplicas} ${entry.service} replicas from ${entry.leadSeconds} s before ${entry.at})`);
  }

  removeScheduleEntry(name: string): boolean {
    const i = this.runtimeSchedule.findIndex((e) => e.name === name);
    if (i < 0) return false;
    this.runtimeSchedule.splice(i, 1);
    this.save();
    this.log.info({ entry: name }, `schedule: ${name} removed`);
    return true;
  }

  private save(): void {
    this.store.save({ modes: this.modes(), schedule: this.runtimeSchedule }, this.policy);
  }

  modes(): ScalingModes {
    return { autoscaling: this.autoscaling, recovery: this.recovery, scheduleFloors: this.scheduleFloors, forecastFloors: this.forecastFloors };
  }

  setModes(modes: Partial<ScalingModes>): void {
    let changed = false;
    if (modes.autoscaling !== undefined && modes.autoscaling !== this.autoscaling) {
      this.autoscaling = modes.autoscaling;
      changed = true;
      this.event('mode', 'autoscaler', `autoscaling ${modes.autoscaling ? 'on' : 'off (decisions are still computed and shown)'}`);
    }
    if (modes.recovery !== undefined && modes.recovery !== this.recovery) {
      this.recovery = modes.recovery;
      changed = true;
      this.event('mode', 'auto-recovery', `auto-recovery ${modes.recovery ? 'on' : 'off'}`);
    }
    for (const [part, words] of [
      ['scheduleFloors', 'schedule'],
      ['forecastFloors', 'forecast'],
    ] as const) {
      const on = modes[part];
      if (on === undefined || on === this[part]) continue;
      this[part] = on;
      changed = true;
      this.event('mode', 'autoscaler', `${words} floors ${on ? 'on' : 'off (computed and shown, not applied)'}`);
    }
    if (changed) this.save();
    this.m.enabled.set({ part: 'autoscaling' }, this.autoscaling ? 1 : 0);
    this.m.enabled.set({ part: 'recovery' }, this.recovery ? 1 : 0);
    this.m.enabled.set({ part: 'schedule-floors' }, this.scheduleFloors ? 1 : 0);
    this.m.enabled.set({ part: 'forecast-floors' }, this.forecastFloors ? 1 : 0);
  }

  state(): ControllerState {
    const now = Date.now();
    return {
      autoscaling: this.autoscaling,
      recovery: this.recovery,
      scheduleFloors: this.scheduleFloors,
      forecastFloors: this.forecastFloors,
      intervalSeconds: this.policy.intervalSeconds,
      lastTickAt: this.lastTickAt?.toISOString() ?? null,
      lastError: this.lastError ?? null,
      services: [...this.views.values()],
      schedule: nextScheduled(this.schedule(), now).map((w) => ({
        entry: w.entry,
        service: w.service,
        minReplicas: w.minReplicas,
        active: w.active,
        replicasFrom: new Date(w.startMs).toISOString(),
        at: new Date(w.atMs).toISOString(),
        until: new Date(w.endMs).toISOString(),
      })),
      predictive: this.policy.predictive,
      recoveryPolicy: this.policy.recovery,
      events: [...this.events].reverse(),
    };
  }

  private event(kind: ControllerEvent['kind'], target: string, reason: string, annotate = true): void {
    const e = { at: new Date().toISOString(), kind, target, reason };
    this.events.push(e);
    this.events.splice(0, Math.max(0, this.events.length - 100));
    this.log.info({ event: kind, target }, reason);
    if (annotate) void this.annotate(`${kind} ${target}: ${reason}`, [kind]);
  }

  /** A point annotation in Grafana, tagged `autoscaler` (its health is checked each time: it may start after the autoscaler). */
  private async annotate(text: string, tags: string[]): Promise<void> {
    const a = await this.lab.annotator(() => {}, ['autoscaler']).catch(() => undefined);
    if (a?.available) await a.point(text, tags);
  }

  async tick(): Promise<void> {
    const now = Date.now();
    const all = await this.lab.runtime.containers({ all: true });
    if (this.recovery) await this.recover(all, now);
    for (const sp of Object.values(this.policy.services)) {
      if (sp)
        await this.scale(
          sp,
          all.filter((c) => c.service === sp.service && !this.draining.has(c.name)),
          now,
        );
    }
    this.lastTickAt = new Date(now);
    this.lastError = undefined;
  }

  private async recover(all: ContainerState[], now: number): Promise<void> {
    for (const c of all.filter((x) => RECOVERABLE.includes(x.service) && x.state === 'running' && x.health === 'unhealthy' && !this.draining.has(x.name))) {
      const info = await this.lab.runtime.detail(c.id).catch(() => undefined);
      if (!info) continue;
      const ip = info.ip;
      const alive = ip
        ? await fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
            (r) => r.ok,
            () => false,
          )
        : undefined;
      const d = recoveryDecision(
        { name: c.name, service: c.service, running: true, health: 'unhealthy', failingStreak: info.failingStreak, ...(alive !== undefined ? { alive } : {}) },
        this.recoveryStates.get(c.name),
        this.policy.recovery,
        now,
      );
      this.recoveryStates.set(c.name, d.nextState);
      if (d.action === 'restart') {
        this.event('restart', c.name, d.reason);
        this.m.restarts.inc({ service: c.service });
        // A hung process will not drain: a short grace, then SIGKILL.
        await this.lab.runtime.restart([c.id], 5).catch((err: Error) => this.event('error', c.name, `restart failed: ${err.message}`));
      } else if (d.action === 'report-loop') {
        this.event('restart-loop', c.name, d.reason);
        this.m.loops.inc({ service: c.service });
      } else if (this.lastReason.get(c.name) !== d.reason) {
        this.lastReason.set(c.name, d.reason);
        this.log.info({ container: c.name }, d.reason);
      }
    }
  }

  private async query(expr: string): Promise<number | undefined> {
    const v = (await this.lab.prometheus.instant(expr, { timeoutMs: 3_000 }))[0]?.value[1];
    const n = v === undefined ? undefined : Number(v);
    return n !== undefined && Number.isFinite(n) ? n : undefined;
  }

  /** The service's total req/s over the forecast's history (refreshed once a minute). */
  private async rpsHistory(service: AppService, now: number): Promise<Sample[]> {
    const cached = this.history.get(service);
    if (cached && now - cached.at < 60_000) return cached.samples;
    const p = this.policy.predictive;
    const start = Math.floor((now - p.periodSeconds * 1_000 * p.historyPeriods - 60_000) / 1000);
    const series = await this.lab.prometheus.range(`sum(rate(http_server_request_duration_seconds_count{service="${service}"}[1m]))`, start, Math.floor(now / 1000), 15);
    const samples = (series[0]?.values ?? []).map(([t, v]) => ({ at: t * 1000, rps: Number(v) })).filter((s) => Number.isFinite(s.rps));
    this.history.set(service, { at: now, samples });
    return samples;
  }

  private async scale(sp: ServicePolicy, cs: ContainerState[], now: number): Promise<void> {
    const service = sp.service;
    const configured = cs.length;
    const running = cs.filter((c) => c.state === 'running');
    const healthy = running.filter((c) => c.health === 'healthy').length;
    const total = await this.query(metricQuery(service, sp.metric)).catch(() => undefined);
    // The event-loop lag is already an average per replica; the others are totals.
    const perReplica = total === undefined ? undefined : sp.metric === 'event-loop-lag-ms' ? total : total / Math.max(1, running.length);
    const tracking = recommend(sp, configured, perReplica);
    const sched = scheduleFloor(this.schedule(), service, now);
    let forecast: ServiceView['forecast'] = null;
    let forecastFloor: { floor: number; reason?: string } | undefined;
    if (this.policy.predictive.enabled && this.policy.predictive.services.includes(service)) {
      const history = await this.rpsHistory(service, now).catch(() => []);
      const pf = predictiveFloor(history, this.policy.predictive, sp, now);
      forecastFloor = pf;
      const opts = { periodMs: this.policy.predictive.periodSeconds * 1_000, historyPeriods: this.policy.predictive.historyPeriods };
      const nowPoint = forecastAt(history, now, opts);
      forecast = { rpsAhead: pf.forecast?.forecastRps ?? null, rpsNow: nowPoint.rps, reason: pf.reason ?? '' };
      if (nowPoint.rps !== null) this.m.forecast.set({ service, horizon: 'now' }, nowPoint.rps);
      if (pf.forecast?.forecastRps != null) this.m.forecast.set({ service, horizon: 'ahead' }, pf.forecast.forecastRps);
    }
    const state = this.states.get(service) ?? initialScalingState(now);
    // A floor whose mode is off is still computed and shown, not applied.
    const floors = {
      ...(this.scheduleFloors ? { schedule: { floor: sched.floor, reason: sched.reason } } : {}),
      ...(this.forecastFloors && forecastFloor ? { forecast: forecastFloor } : {}),
    };
    const d = decide({ now, policy: sp, current: configured, tracking, ...floors, state });

    let applied = false;
    if (d.action !== 'none' && this.autoscaling && running.length > 0) {
      try {
        if (d.action === 'out') await this.scaleOut(service, cs, d.desired - configured);
        else await this.scaleIn(service, cs, configured - d.desired);
        applied = true;
        this.event(d.action === 'out' ? 'scale-out' : 'scale-in', service, d.reason);
        this.m.events.inc({ service, direction: d.action });
      } catch (err) {
        this.event('error', service, `scaling ${configured} → ${d.desired} failed: ${(err as Error).message}`);
      }
    } else if (this.lastReason.get(service) !== `${d.desired} ${d.held} ${configured} ${this.autoscaling}`) {
      // Logged when the decision changes, not every tick (a cooldown's countdown changes the text).
      this.lastReason.set(service, `${d.desired} ${d.held} ${configured} ${this.autoscaling}`);
      this.log.info({ scaled: service, desired: d.desired, configured, held: d.held, autoscaling: this.autoscaling }, d.reason);
    }
    this.states.set(service, applied ? d.nextState : d.unappliedState);

    this.m.desired.set({ service }, d.desired);
    this.m.floor.set({ service, source: 'schedule' }, sched.floor);
    this.m.floor.set({ service, source: 'forecast' }, forecastFloor?.floor ?? 0);
    this.m.replicas.set({ service, state: 'configured' }, applied ? d.desired : configured);
    this.m.replicas.set({ service, state: 'running' }, running.length);
    this.m.replicas.set({ service, state: 'healthy' }, healthy);
    if (perReplica !== undefined) this.m.metric.set({ service, metric: sp.metric }, perReplica);
    this.m.target.set({ service, metric: sp.metric }, sp.target);
    const st = this.states.get(service)!;
    this.views.set(service, {
      service,
      policy: sp,
      configured: applied ? d.desired : configured,
      running: running.length,
      healthy,
      metric: { name: sp.metric, value: total ?? null, perReplica: perReplica ?? null, target: sp.target },
      forecast,
      schedule: { floor: sched.floor, reason: sched.reason },
      decision: { desired: d.desired, action: d.action, held: d.held, reason: d.reason, inputs: d.inputs },
      lastScaleOutAt: st.lastScaleOutAt ? new Date(st.lastScaleOutAt).toISOString() : null,
      lastScaleInAt: st.lastScaleInAt ? new Date(st.lastScaleInAt).toISOString() : null,
    });
  }

  /** New replicas, copies of a running healthy one with the next free numbers. */
  private async scaleOut(service: string, cs: ContainerState[], count: number): Promise<void> {
    const template = cs.find((c) => c.state === 'running' && c.health === 'healthy') ?? cs.find((c) => c.state === 'running');
    if (!template) throw new Error(`no running ${service} replica to copy`);
    const prefix = `${this.lab.project}-${service}-`;
    let next = Math.max(0, ...cs.map((c) => c.number), ...[...this.draining].filter((n) => n.startsWith(prefix)).map((n) => Number(n.split('-').at(-1)))) + 1;
    for (let i = 0; i < count; i++, next++) await this.lab.runtime.addReplica(template.id, next);
  }

  /**
   * Removes the highest-numbered running replicas: SIGTERM first (the replica stops taking new
   * requests and finishes the ones it has; the edge's resolver drops it), then removal. Done in
   * the background; meanwhile the replica is no longer counted.
   */
  private async scaleIn(service: string, cs: ContainerState[], count: number): Promise<void> {
    const victims = cs
      .filter((c) => c.state === 'running')
      .sort((a, b) => b.number - a.number)
      .slice(0, count);
    for (const v of victims) {
      this.draining.add(v.name);
      const removal = (async () => {
        const grace = (await this.lab.runtime.detail(v.id).catch(() => undefined))?.stopGraceSeconds ?? 20;
        await this.lab.runtime.stop([v.id], grace);
        await this.lab.runtime.remove(v.id);
      })()
        .catch((err: Error) => this.event('error', v.name, `removing ${service} replica failed: ${err.message}`))
        .finally(() => {
          this.draining.delete(v.name);
          this.removals.delete(removal);
        });
      this.removals.add(removal);
    }
  }
}
