// The autoscaler's policy file (infra/autoscaler/scaling.yaml), validated up front. Every problem is
// reported at once with its line and field, so a typo is found when the file is loaded, not when
// a surge arrives and the rule that should have fired does nothing.
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { parseScheduleTime } from './schedule.ts';
import { APP_SERVICES, MAX_REPLICAS, METRICS, type AppService, type ScalingPolicy, type ScheduleEntry, type ServicePolicy } from './types.ts';

export { APP_SERVICES, MAX_REPLICAS, METRICS } from './types.ts';
export type { AppService, PredictivePolicy, RecoveryPolicy, ScalingMetric, ScalingPolicy, ScheduleEntry, ServicePolicy } from './types.ts';

export class PolicyError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`${source}: invalid scaling policy:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
    this.problems = problems;
  }
}

// ---- schema (the file's own kebab-case keys) ----

const num = () => z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number');
const whole = (min: number, max: number, unit = '') =>
  z.number({ error: 'must be a number' }).int(`must be a whole number${unit}`).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const seconds = (max: number) => z.number({ error: 'must be a number' }).int('must be a whole number of seconds')
  .min(0, 'must not be negative').max(max, `must be at most ${max}`);
const replicas = () => z.number({ error: 'must be a number' }).int('must be a whole number of replicas')
  .min(1, 'must be at least 1').max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS} (the lab's limit per service)`);
const service = () => z.enum(APP_SERVICES, { error: `is not an app service (allowed: ${APP_SERVICES.join(', ')})` });
const bool = () => z.boolean({ error: 'must be true or false' });

const ServiceSchema = z.strictObject({
  min: replicas(),
  max: replicas(),
  metric: z.enum(METRICS, { error: `must be one of ${METRICS.join(', ')}` }),
  target: num().refine((v) => v > 0, 'must be greater than 0'),
  tolerance: num().refine((v) => v >= 0 && v < 1, 'must be at least 0 and below 1').default(0.1),
  'scale-out-cooldown-seconds': seconds(3600).default(20),
  'scale-in-cooldown-seconds': seconds(3600).default(90),
  'scale-in-stabilization-seconds': seconds(3600).default(60),
  'max-step': whole(1, MAX_REPLICAS).default(2),
}, { error: 'must be a mapping (min, max, metric, target, ...)' });

const ScheduleSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional(),
  service: service(),
  at: z.string({ error: 'must be a quoted string' })
    .refine((v) => parseScheduleTime(v) !== undefined, 'must be "HH:MM" (daily, UTC) or an ISO timestamp with its zone, e.g. "2025-11-28T12:00:00Z"'),
  'lead-seconds': seconds(86_400).default(120),
  'duration-seconds': whole(1, 7 * 86_400, ' of seconds'),
  'min-replicas': replicas(),
}, { error: 'must be a mapping (name, service, at, lead-seconds, duration-seconds, min-replicas)' });

const PredictiveSchema = z.strictObject({
  enabled: bool().default(true),
  services: z.array(service(), { error: 'must be a list of services' }).default([]),
  'period-seconds': whole(60, 7 * 86_400, ' of seconds').default(3600),
  'lookahead-seconds': seconds(3600).default(120),
  'history-periods': whole(1, 24).default(3),
}, { error: 'must be a mapping' });

const RecoverySchema = z.strictObject({
  enabled: bool().default(true),
  'unhealthy-threshold': whole(1, 100).default(3),
  'max-restarts': whole(1, 100).default(3),
  'window-seconds': whole(1, 86_400, ' of seconds').default(600),
  'restart-grace-seconds': seconds(3600).default(30),
}, { error: 'must be a mapping' });

const PolicySchema = z.strictObject({
  enabled: bool().default(true),
  'interval-seconds': whole(1, 300, ' of seconds').default(5),
  services: z.strictObject({ catalog: ServiceSchema.optional(), cart: ServiceSchema.optional(), checkout: ServiceSchema.optional() },
    { error: 'must be a mapping of service name to its policy' }).default({}),
  schedule: z.array(ScheduleSchema, { error: 'must be a list' }).default([]),
  // An omitted section is off; a section that is present is on unless it says `enabled: false`.
  predictive: PredictiveSchema.optional(),
  recovery: RecoverySchema.optional(),
});
type RawPolicy = z.infer<typeof PolicySchema>;

/** The keys each kind of mapping accepts (for "did you mean"). */
function allowedKeys(path: readonly (string | number)[]): readonly string[] {
  const [a, , c] = path;
  if (path.length === 0) return Object.keys(PolicySchema.shape);
  if (a === 'services') return path.length === 1 ? APP_SERVICES : Object.keys(ServiceSchema.shape);
  if (a === 'schedule' && typeof path[1] === 'number' && c === undefined) return Object.keys(ScheduleSchema.shape);
  if (a === 'predictive') return Object.keys(PredictiveSchema.shape);
  if (a === 'recovery') return Object.keys(RecoverySchema.shape);
  return [];
}

// ---- parsing ----

type Path = (string | number)[];

/**
 * Parses and validates the policy. Throws a PolicyError listing every problem as
 * `source:line: field (value) problem`, sorted by line.
 */
export function parsePolicy(text: string, source = 'scaling.yaml'): ScalingPolicy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (doc.errors.length) throw new PolicyError(source, doc.errors.map((e) => `${source}:${lineOf(e.pos[0])}: YAML: ${e.message.split('\n')[0]}`));
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new PolicyError(source, [`${source}:1: the policy must be a YAML mapping (enabled, interval-seconds, services, schedule, predictive, recovery)`]);
  }

  const problems: { line: number; text: string }[] = [];
  const problem = (path: Path, message: string, { showValue = true, at = 'value' as 'value' | 'key' } = {}) => {
    const value = valueAt(data, path);
    const shown = showValue && value !== undefined && (value === null || typeof value !== 'object') ? ` (${display(value)})` : '';
    const line = lineOf(nodeAt(doc.contents as Node | null, path, at)?.range?.[0]);
    problems.push({ line, text: `${source}:${line}: ${fieldName(path)}${shown} ${message}` });
  };

  const parsed = PolicySchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as Path;
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const allowed = allowedKeys(path);
          const hint = path.length === 1 && path[0] === 'services'
            ? `is not an app service (allowed: ${APP_SERVICES.join(', ')})`
            : `is not a known field${suggest(key, allowed)} (allowed: ${allowed.join(', ')})`;
          problem([...path, key], hint, { showValue: false, at: 'key' });
        }
      } else if (valueAt(data, path) === undefined) {
        problem(path, 'is required');
      } else {
        problem(path, issue.message);
      }
    }
  }
  crossCheck(data as Record<string, unknown>, problem);

  if (problems.length) {
    const sorted = problems.sort((a, b) => a.line - b.line || a.text.localeCompare(b.text)).map((p) => p.text);
    throw new PolicyError(source, [...new Set(sorted)]);
  }
  return toPolicy(parsed.data!);
}

/**
 * Rules between fields. They run on the raw data, not the parsed result, so that they are
 * reported even when another field of the same file is wrong (zod skips refinements then).
 */
function crossCheck(raw: Record<string, unknown>, problem: (path: Path, message: string, opts?: { showValue?: boolean }) => void): void {
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const services = isRecord(raw.services) ? raw.services : {};
  const policyOf = (s: unknown) => (typeof s === 'string' && (APP_SERVICES as readonly string[]).includes(s) && isRecord(services[s]) ? services[s] : undefined);

  for (const name of APP_SERVICES) {
    const p = services[name];
    if (isRecord(p) && isNum(p.min) && isNum(p.max) && p.min > p.max) problem(['services', name, 'min'], `is greater than max (${p.max})`);
  }

  const names = new Map<string, number>();
  (Array.isArray(raw.schedule) ? raw.schedule : []).forEach((e: unknown, i) => {
    if (!isRecord(e)) return;
    const svc = policyOf(e.service);
    if (typeof e.service === 'string' && (APP_SERVICES as readonly string[]).includes(e.service) && !svc) {
      problem(['schedule', i, 'service'], 'has no policy under services (a schedule needs its min and max)');
    }
    if (svc && isNum(e['min-replicas']) && isNum(svc.max) && e['min-replicas'] > svc.max) {
      problem(['schedule', i, 'min-replicas'], `is above ${String(e.service)}'s max (${svc.max})`);
    }
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
      if (typeof s !== 'string' || !(APP_SERVICES as readonly string[]).includes(s)) return; // the schema names it
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

function toPolicy(r: RawPolicy): ScalingPolicy {
  const services: Partial<Record<AppService, ServicePolicy>> = {};
  for (const name of APP_SERVICES) {
    const s = r.services[name];
    if (!s) continue;
    services[name] = {
      service: name, min: s.min, max: s.max, metric: s.metric, target: s.target, tolerance: s.tolerance,
      scaleOutCooldownSeconds: s['scale-out-cooldown-seconds'], scaleInCooldownSeconds: s['scale-in-cooldown-seconds'],
      scaleInStabilizationSeconds: s['scale-in-stabilization-seconds'], maxStep: s['max-step'],
    };
  }
  const p = r.predictive;
  const rec = r.recovery;
  return {
    enabled: r.enabled,
    intervalSeconds: r['interval-seconds'],
    services,
    schedule: r.schedule.map((e) => ({
      name: e.name ?? `${e.service} at ${e.at}`, service: e.service, at: e.at, when: parseScheduleTime(e.at)!,
      leadSeconds: e['lead-seconds'], durationSeconds: e['duration-seconds'], minReplicas: e['min-replicas'],
    })),
    predictive: {
      enabled: p?.enabled ?? false, services: [...new Set(p?.services ?? [])], periodSeconds: p?.['period-seconds'] ?? 3600,
      lookaheadSeconds: p?.['lookahead-seconds'] ?? 120, historyPeriods: p?.['history-periods'] ?? 3,
    },
    recovery: {
      enabled: rec?.enabled ?? false, unhealthyThreshold: rec?.['unhealthy-threshold'] ?? 3, maxRestarts: rec?.['max-restarts'] ?? 3,
      windowSeconds: rec?.['window-seconds'] ?? 600, restartGraceSeconds: rec?.['restart-grace-seconds'] ?? 30,
    },
  };
}

// ---- helpers ----

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function fieldName(path: Path): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '') || '(top level)';
}

function display(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * The node on `path` (its value, or its key with at='key'). For a missing field: the key of the
 * mapping that lacks it (`cart:`), or the mapping itself (a list item).
 */
function nodeAt(root: Node | null, path: Path, at: 'value' | 'key'): Node | null {
  let node = root;
  let parentKey: Node | null = null;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) return parentKey ?? node;
      const last = i === path.length - 1;
      parentKey = pair.key as Node;
      node = (last && at === 'key' ? (pair.key as Node) : (pair.value as Node | null)) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) return node;
      parentKey = null;
      node = item;
    } else return node;
  }
  return node;
}

/** ", did you mean X?" for a key that looks like an allowed one: a few edits away, or cut short (`interval`). */
function suggest(key: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const a of allowed) {
    const prefix = key.length >= 4 && (a.startsWith(key) || key.startsWith(a));
    const d = distance(key, a);
    const score = prefix ? Math.min(d, 0.5) : d;
    if ((prefix || d <= Math.max(2, Math.floor(key.length / 4))) && score < bestScore) [best, bestScore] = [a, score];
  }
  return best ? `, did you mean ${best}?` : '';
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * A schedule entry added at run time (the autoscaler's API, an experiment's "scheduled surge"), checked
 * by the same rules as the file's: the fields, a policy for its service, min-replicas within max,
 * a name not in use. Problems name the field, for a 400.
 */
export function scheduleEntry(policy: ScalingPolicy, raw: unknown): { ok: true; entry: ScheduleEntry } | { ok: false; problems: { field: string; problem: string }[] } {
  const r = ScheduleSchema.safeParse(raw);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => ({ field: i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys.join(', ') : '(entry)'), problem: i.code === 'unrecognized_keys' ? 'unknown field' : i.message })) };
  const e = r.data;
  const problems: { field: string; problem: string }[] = [];
  const svc = policy.services[e.service];
  if (!svc) problems.push({ field: 'service', problem: `has no policy under services (a schedule needs its min and max)` });
  else if (e['min-replicas'] > svc.max) problems.push({ field: 'min-replicas', problem: `is above ${e.service}'s max (${svc.max})` });
  const name = e.name ?? `${e.service} at ${e.at}`;
  if (policy.schedule.some((x) => x.name === name)) problems.push({ field: 'name', problem: `"${name}" is already in the schedule` });
  if (problems.length) return { ok: false, problems };
  return { ok: true, entry: { name, service: e.service, at: e.at, when: parseScheduleTime(e.at)!, leadSeconds: e['lead-seconds'], durationSeconds: e['duration-seconds'], minReplicas: e['min-replicas'] } };
}
