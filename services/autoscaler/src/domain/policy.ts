// The autoscaler's policy file (infra/autoscaler/scaling.yaml), validated up front by the lab's
// validated YAML (as the experiments are). Every problem is reported at once with its line and
// field, so a typo is found when the file is loaded, not when a surge arrives and the rule that
// should have fired does nothing.
import { bracketField, type Path, parseYaml, valueAt } from '@surge-lab/lab';
import { z } from 'zod';
import { parseScheduleTime } from './schedule.ts';
import { APP_SERVICES, type AppService, MAX_REPLICAS, METRICS, type ScalingPolicy, type ScheduleEntry, type ServicePolicy } from './types.ts';

export type { AppService, PredictivePolicy, RecoveryPolicy, ScalingMetric, ScalingPolicy, ScheduleEntry, ServicePolicy } from './types.ts';
export { APP_SERVICES, MAX_REPLICAS, METRICS } from './types.ts';

// ---- schema (the file's own kebab-case keys) ----

const num = () => z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number');
const whole = (min: number, max: number, unit = '') =>
  z.number({ error: 'must be a number' }).int(`must be a whole number${unit}`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const seconds = (max: number) => z.number({ error: 'must be a number' }).int('must be a whole number of seconds').min(0, 'must not be negative').max(max, `must be at most ${max}`);
const replicas = () =>
  z.number({ error: 'must be a number' }).int('must be a whole number of replicas').min(1, 'must be at least 1').max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS} (the lab's limit per service)`);
const notAppService = `is not an app service (allowed: ${APP_SERVICES.join(', ')})`;
const service = () => z.enum(APP_SERVICES, { error: notAppService });
const bool = () => z.boolean({ error: 'must be true or false' });

const ServiceSchema = z.strictObject(
  {
    min: replicas(),
    max: replicas(),
    metric: z.enum(METRICS, { error: `must be one of ${METRICS.join(', ')}` }),
    target: num().refine((v) => v > 0, 'must be greater than 0'),
    tolerance: num()
      .refine((v) => v >= 0 && v < 1, 'must be at least 0 and below 1')
      .default(0.1),
    'scale-out-cooldown-seconds': seconds(3600).default(20),
    'scale-in-cooldown-seconds': seconds(3600).default(90),
    'scale-in-stabilization-seconds': seconds(3600).default(60),
    'max-step': whole(1, MAX_REPLICAS).default(2),
  },
  { error: 'must be a mapping (min, max, metric, target, ...)' },
);

const ScheduleSchema = z.strictObject(
  {
    name: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
    service: service(),
    at: z.string({ error: 'must be a quoted string' }).refine((v) => parseScheduleTime(v) !== undefined, 'must be "HH:MM" (daily, UTC) or an ISO timestamp with its zone, e.g. "2025-11-28T12:00:00Z"'),
    'lead-seconds': seconds(86_400).default(120),
    'duration-seconds': whole(1, 7 * 86_400, ' of seconds'),
    'min-replicas': replicas(),
  },
  { error: 'must be a mapping (name, service, at, lead-seconds, duration-seconds, min-replicas)' },
);

const PredictiveSchema = z.strictObject(
  {
    enabled: bool().default(true),
    services: z.array(service(), { error: 'must be a list of services' }).default([]),
    'period-seconds': whole(60, 7 * 86_400, ' of seconds').default(3600),
    'lookahead-seconds': seconds(3600).default(120),
    'history-periods': whole(1, 24).default(3),
  },
  { error: 'must be a mapping' },
);

const RecoverySchema = z.strictObject(
  {
    enabled: bool().default(true),
    'unhealthy-threshold': whole(1, 100).default(3),
    'max-restarts': whole(1, 100).default(3),
    'window-seconds': whole(1, 86_400, ' of seconds').default(600),
    'restart-grace-seconds': seconds(3600).default(30),
  },
  { error: 'must be a mapping' },
);

const PolicySchema = z.strictObject({
  enabled: bool().default(true),
  'interval-seconds': whole(1, 300, ' of seconds').default(5),
  services: z
    .strictObject({ catalog: ServiceSchema.optional(), cart: ServiceSchema.optional(), checkout: ServiceSchema.optional() }, { error: 'must be a mapping of service name to its policy' })
    .default({}),
  schedule: z.array(ScheduleSchema, { error: 'must be a list' }).default([]),
  // An omitted section is off; a section that is present is on unless it says `enabled: false`.
  predictive: PredictiveSchema.optional(),
  recovery: RecoverySchema.optional(),
});
type RawPolicy = z.infer<typeof PolicySchema>;

// ---- parsing ----

/** The value a problem is about, as `(5) ` or `("rps") ` before its message (none for a mapping, a list or a missing field). */
const shown = (v: unknown): string => (v !== undefined && (v === null || typeof v !== 'object') ? `(${typeof v === 'string' ? JSON.stringify(v) : String(v)}) ` : '');

/**
 * Parses and validates the policy. Throws a ValidationError (the lab's validated YAML) listing
 * every problem as `source:line: field: (value) problem`, in line order.
 */
export function parsePolicy(text: string, source = 'scaling.yaml'): ScalingPolicy {
  return toPolicy(
    parseYaml(text, PolicySchema, {
      source,
      what: 'invalid scaling policy',
      field: bracketField,
      message(i) {
        if (i.code === 'missing') return 'is required';
        if (i.code !== 'unknown-key') return `${shown(i.value)}${i.message}`;
        if (i.path.length === 2 && i.path[0] === 'services') return notAppService;
        return `is not a known field${i.suggestion ? `, did you mean ${i.suggestion}?` : ''} (allowed: ${(i.allowed ?? []).join(', ')})`;
      },
      check: (raw, problem) => crossCheck(raw, (path, message) => problem(path, `${shown(valueAt(raw, path))}${message}`)),
    }),
  );
}

/**
 * Rules between fields. They run on the raw data, not the parsed result, so that they are
 * reported even when another field of the same file is wrong (zod skips refinements then).
 */
function crossCheck(raw: unknown, problem: (path: Path, message: string) => void): void {
  if (!isRecord(raw)) return;
  const services = isRecord(raw.services) ? raw.services : {};
  const policyOf = (s: unknown) => (isAppService(s) && isRecord(services[s]) ? services[s] : undefined);

  for (const name of APP_SERVICES) {
    const p = services[name];
    if (isRecord(p) && isNum(p.min) && isNum(p.max) && p.min > p.max) problem(['services', name, 'min'], `is greater than max (${p.max})`);
  }

  const names = new Map<string, number>();
  (Array.isArray(raw.schedule) ? raw.schedule : []).forEach((e: unknown, i) => {
    if (!isRecord(e)) return;
    const svc = policyOf(e.service);
    entryRules(e.service, e['min-replicas'], svc && { max: svc.max }, (field, message) => problem(['schedule', i, field], message));
    const when = typeof e.at === 'string' ? parseScheduleTime(e.at) : undefined;
    const lead = isNum(e['lead-seconds']) ? e['lead-seconds'] : 120;
    if (when?.kind === 'daily' && isNum(e['duration-seconds']) && lead + e['duration-seconds'] > 86_400) {
      problem(['schedule', i, 'duration-seconds'], `plus lead-seconds (${lead}) exceeds a day: a daily window would overlap the next day's`);
    }
    if (typeof e.name === 'string') {
      const first = names.get(e.name);
      if (first !== undefined) problem(['schedule', i, 'name'], `is already used by schedule[${first}]`);
      else names.set(e.name, i);
    }
  });

  const pred = raw.predictive;
  if (isRecord(pred)) {
    (Array.isArray(pred.services) ? pred.services : []).forEach((s: unknown, i) => {
      if (!isAppService(s)) return; // the schema names it
      const svc = policyOf(s);
      if (!svc) problem(['predictive', 'services', i], 'has no policy under services (the forecast floor needs its target and max)');
      else if ((METRICS as readonly unknown[]).includes(svc.metric) && svc.metric !== 'rps-per-replica') {
        problem(['predictive', 'services', i], `scales on ${String(svc.metric)}: the forecast is in req/s and needs metric rps-per-replica`);
      }
    });
    const period = isNum(pred['period-seconds']) ? pred['period-seconds'] : 3600;
    if (isNum(pred['lookahead-seconds']) && pred['lookahead-seconds'] >= period) {
      problem(['predictive', 'lookahead-seconds'], `must be shorter than period-seconds (${period})`);
    }
  }
}

/**
 * A schedule entry's rules against the services' policies, for the file and for entries added at
 * run time alike: its service has a policy, and its min-replicas is within that policy's max.
 */
function entryRules(service: unknown, minReplicas: unknown, policy: { max: unknown } | undefined, problem: (field: string, message: string) => void): void {
  if (!isAppService(service)) return; // the schema names it
  if (!policy) problem('service', 'has no policy under services (a schedule needs its min and max)');
  else if (isNum(minReplicas) && isNum(policy.max) && minReplicas > policy.max) problem('min-replicas', `is above ${service}'s max (${policy.max})`);
}

function toPolicy(r: RawPolicy): ScalingPolicy {
  const services: Partial<Record<AppService, ServicePolicy>> = {};
  for (const name of APP_SERVICES) {
    const s = r.services[name];
    if (!s) continue;
    services[name] = {
      service: name,
      min: s.min,
      max: s.max,
      metric: s.metric,
      target: s.target,
      tolerance: s.tolerance,
      scaleOutCooldownSeconds: s['scale-out-cooldown-seconds'],
      scaleInCooldownSeconds: s['scale-in-cooldown-seconds'],
      scaleInStabilizationSeconds: s['scale-in-stabilization-seconds'],
      maxStep: s['max-step'],
    };
  }
  const p = r.predictive;
  const rec = r.recovery;
  return {
    enabled: r.enabled,
    intervalSeconds: r['interval-seconds'],
    services,
    schedule: r.schedule.map((e) => ({
      name: e.name ?? `${e.service} at ${e.at}`,
      service: e.service,
      at: e.at,
      when: parseScheduleTime(e.at)!,
      leadSeconds: e['lead-seconds'],
      durationSeconds: e['duration-seconds'],
      minReplicas: e['min-replicas'],
    })),
    predictive: {
      enabled: p?.enabled ?? false,
      services: [...new Set(p?.services ?? [])],
      periodSeconds: p?.['period-seconds'] ?? 3600,
      lookaheadSeconds: p?.['lookahead-seconds'] ?? 120,
      historyPeriods: p?.['history-periods'] ?? 3,
    },
    recovery: {
      enabled: rec?.enabled ?? false,
      unhealthyThreshold: rec?.['unhealthy-threshold'] ?? 3,
      maxRestarts: rec?.['max-restarts'] ?? 3,
      windowSeconds: rec?.['window-seconds'] ?? 600,
      restartGraceSeconds: rec?.['restart-grace-seconds'] ?? 30,
    },
  };
}

// ---- helpers ----

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isAppService = (v: unknown): v is AppService => typeof v === 'string' && (APP_SERVICES as readonly string[]).includes(v);

/**
 * A schedule entry added at run time (the autoscaler's API, an experiment's "scheduled surge"), checked
 * by the same rules as the file's: the fields, a policy for its service, min-replicas within max,
 * a name not in use. Problems name the field, for a 400.
 */
export function scheduleEntry(policy: ScalingPolicy, raw: unknown): { ok: true; entry: ScheduleEntry } | { ok: false; problems: { field: string; problem: string }[] } {
  const r = ScheduleSchema.safeParse(raw);
  if (!r.success)
    return {
      ok: false,
      problems: r.error.issues.map((i) => ({
        field: i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys.join(', ') : '(entry)'),
        problem: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
      })),
    };
  const e = r.data;
  const problems: { field: string; problem: string }[] = [];
  entryRules(e.service, e['min-replicas'], policy.services[e.service], (field, problem) => problems.push({ field, problem }));
  const name = e.name ?? `${e.service} at ${e.at}`;
  if (policy.schedule.some((x) => x.name === name)) problems.push({ field: 'name', problem: `"${name}" is already in the schedule` });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    entry: { name, service: e.service, at: e.at, when: parseScheduleTime(e.at)!, leadSeconds: e['lead-seconds'], durationSeconds: e['duration-seconds'], minReplicas: e['min-replicas'] },
  };
}
