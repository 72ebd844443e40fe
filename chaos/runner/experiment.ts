// The experiment file: YAML in the Chaos Toolkit's shape (title, steady-state hypothesis,
// method, rollbacks) plus stop conditions, like AWS FIS. Parsing validates everything up
// front and names the line and field of every problem, so a typo never fails a run halfway.
import { readFileSync } from 'node:fs';
import { type Path, parseYaml, type Report, SCALABLE_SERVICES, ValidationError } from '@surge-lab/lab';
import { z } from 'zod';
import { checkArgs, FAULT_NAMES, type FaultName, isFaultName } from '../faults/registry.ts';
import { SCENARIOS } from '../load/scenarios.ts';

/** An experiment that does not validate: every problem with its line and field. */
export { ValidationError as ExperimentError };

const seconds = z.number().min(0).max(3_600);
const name = z.string().min(1).max(120);

/** What a measured value must satisfy. Numbers: bounds; HTTP: status list and required headers. */
export const Tolerance = z
  .strictObject({
    status: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    header: z.string().min(1).optional(),
    /** With `header`: its value must match this regular expression. */
    'header-matches': z
      .string()
      .min(1)
      .refine((r) => {
        try {
          new RegExp(r);
          return true;
        } catch {
          return false;
        }
      }, 'must be a regular expression')
      .optional(),
    'at-most': z.number().optional(),
    'at-least': z.number().optional(),
    below: z.number().optional(),
    above: z.number().optional(),
    equals: z.number().optional(),
    between: z.tuple([z.number(), z.number()]).optional(),
  })
  .refine((t) => Object.keys(t).length > 0, 'give at least one bound (status, header, at-most, at-least, below, above, equals, between)')
  .refine((t) => !t['header-matches'] || t.header, { message: 'header-matches needs header (the header whose value it matches)', path: ['header-matches'] });
export type Tolerance = z.infer<typeof Tolerance>;

const Http = z.strictObject({
  path: z.string().startsWith('/', 'must start with / (it is sent to the edge)'),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.unknown().optional(),
  'timeout-ms': z.number().int().min(1).max(60_000).default(5_000),
});

export const LOAD_METRICS = ['requests', 'errors', 'unexpected-5xx', 'timeouts', 'shed', 'error-ratio', 'p50-ms', 'p99-ms', 'max-ms', 'throughput', 'acknowledged-orders'] as const;
export const MONITOR_METRICS = ['failures', 'longest-outage-seconds', 'attempts', 'last-success-seconds', 'longest-outage-in-place-seconds'] as const;
/** Where shoppers come in: region A's front door, region B's, or the global entry (the multi-region lab). */
export const FRONT_DOORS = ['edge', 'edge-b', 'global-entry'] as const;
const When = z.array(z.enum(['before', 'during', 'after'])).min(1);

/** What a probe is: a name, when it is judged, one measurement, and the tolerance it is judged by. */
const probeShape = {
  name,
  when: When.optional(),
  /** A `during` probe judged only while this action of the method is in place (default: every action). */
  during: z.string().min(1).optional(),
  http: Http.optional(),
  promql: z.string().min(1).optional(),
  /** Value of a PromQL probe whose query returns no series (e.g. a counter never incremented). */
  'empty-as': z.number().optional(),
  /** A figure of a load; with `relative-to`, its ratio to the same figure of another load (A/B runs). */
  load: z.strictObject({ name: z.string().optional(), metric: z.enum(LOAD_METRICS), 'relative-to': z.string().optional() }).optional(),
  monitor: z.strictObject({ name: z.string(), metric: z.enum(MONITOR_METRICS), action: z.string().optional() }).optional(),
  tolerance: Tolerance,
};
type ProbeFields = z.infer<z.ZodObject<typeof probeShape>>;

/** The rules between a probe's fields, for the hypothesis' probes and for probe steps of the method alike. */
function probeRules(p: ProbeFields, ctx: z.RefinementCtx<ProbeFields>): void {
  const providers = (['http', 'promql', 'load', 'monitor'] as const).filter((k) => p[k] !== undefined);
  if (providers.length !== 1) ctx.addIssue({ code: 'custom', message: `a probe measures one thing: give exactly one of http, promql, load, monitor (got ${providers.join(', ') || 'none'})` });
  if ((p.load || p.monitor) && p.when?.some((w) => w !== 'after'))
    ctx.addIssue({ code: 'custom', path: ['when'], message: 'load and monitor probes judge the whole run: they are evaluated after the method only' });
  if (p.http && (p.tolerance['at-most'] ?? p.tolerance['at-least'] ?? p.tolerance.below ?? p.tolerance.above ?? p.tolerance.equals ?? p.tolerance.between) !== undefined)
    ctx.addIssue({ code: 'custom', path: ['tolerance'], message: 'an http probe is judged by status (and header)' });
  if (!p.http && (p.tolerance.status || p.tolerance.header)) ctx.addIssue({ code: 'custom', path: ['tolerance'], message: 'status and header apply to http probes only' });
  if (p.during !== undefined && !p.when?.includes('during')) ctx.addIssue({ code: 'custom', path: ['during'], message: 'during names the action a `during` probe is judged in: give when: [during]' });
}

export const Probe = z.strictObject(probeShape).superRefine(probeRules);
export type Probe = z.infer<typeof Probe>;

const Pauses = z.strictObject({ before: seconds.default(0), after: seconds.default(0) }).default({ before: 0, after: 0 });

const LoadStep = z.strictObject({
  type: z.literal('load'),
  name: name.optional(),
  scenario: z.string().refine((s) => Object.hasOwn(SCENARIOS, s), { message: `must be one of ${Object.keys(SCENARIOS).join(', ')}` }),
  duration: seconds.refine((s) => s >= 1, 'at least 1 second'),
  rate: z.number().min(1).max(100_000).optional(),
  connections: z.number().int().min(1).max(1_000).default(16),
  'no-edge-cache': z.boolean().default(false),
});

const MonitorStep = z
  .strictObject({
    type: z.literal('monitor'),
    name,
    /** checkout: a whole purchase through the edge (cart, item, checkout); http: one request. */
    checkout: z.strictObject({ products: z.tuple([z.number().int().min(1).max(5000), z.number().int().min(1).max(5000)]).default([4701, 4800]) }).optional(),
    http: Http.optional(),
    expect: z.array(z.number().int()).default([200, 201, 202]),
    'interval-ms': z.number().int().min(50).max(60_000).default(200),
    /** The front door this monitor goes through (default: the experiment's). */
    via: z.enum(FRONT_DOORS).optional(),
  })
  .refine((m) => (m.checkout ? 1 : 0) + (m.http ? 1 : 0) === 1, 'a monitor does one thing: give checkout or http');

/** The parts of a step held for a while and then undone: an action's fault or an autoscaler change. */
const held = {
  /** Seconds the change stays before it is undone; without it, it is undone at once. */
  duration: seconds.optional(),
  pauses: Pauses,
  /** Seconds after the change at which the `during` probes are evaluated. */
  'probe-after': seconds.default(5),
  /** The method goes on while the change lasts (a later step then runs during it). */
  background: z.boolean().default(false),
};

const ActionStep = z
  .strictObject({
    type: z.literal('action'),
    name,
    fault: z.string().pipe(z.custom<FaultName>((f) => typeof f === 'string' && isFaultName(f), { error: (i) => `unknown fault "${String(i.input)}"; one of ${FAULT_NAMES.join(', ')}` })),
    arguments: z.record(z.string(), z.unknown()).default({}),
    /** Without a duration the fault is reverted at once (a kill is then a crash and a restart). */
    ...held,
  })
  .superRefine((a, ctx) => {
    const r = checkArgs(a.fault, a.arguments);
    if (!r.ok) for (const p of r.problems) ctx.addIssue({ code: 'custom', path: ['arguments', ...(p.path ? p.path.split('.') : [])], message: p.message });
  });

/**
 * A change to the autoscaler (the lab's controller) for a while, undone after it: its modes
 * (autoscaling, schedule and forecast floors, auto-recovery) or a one-off surge on its schedule. Not a fault: nothing breaks.
 */
const AutoscalerStep = z
  .strictObject({
    type: z.literal('autoscaler'),
    name,
    modes: z
      .strictObject({ autoscaling: z.boolean().optional(), 'schedule-floors': z.boolean().optional(), 'forecast-floors': z.boolean().optional(), recovery: z.boolean().optional() })
      .refine((m) => Object.keys(m).length > 0, 'give one or more of autoscaling, schedule-floors, forecast-floors, recovery')
      .optional(),
    /** `min-replicas` of `service` from `lead-seconds` before now + `in-seconds`, for `duration-seconds`. */
    surge: z
      .strictObject({
        service: z.enum(SCALABLE_SERVICES),
        'in-seconds': z.number().int().min(0).max(86_400),
        'lead-seconds': z.number().int().min(0).max(3_600).default(60),
        'duration-seconds': z.number().int().min(1).max(86_400),
        'min-replicas': z.number().int().min(1).max(10),
      })
      .optional(),
    ...held,
  })
  .refine((s) => (s.modes ? 1 : 0) + (s.surge ? 1 : 0) === 1, 'an autoscaler step changes one thing: give modes or surge');

const PauseStep = z.strictObject({ type: z.literal('pause'), name: name.optional(), seconds });

/** A probe evaluated as a step of the method (by default "during": the faults before it may still be in place). */
const ProbeStep = z.strictObject({ type: z.literal('probe'), ...probeShape, when: When.default(['during']) }).superRefine(probeRules);

/** A step of the method, told apart by its `type`. */
const MethodStep = z.discriminatedUnion('type', [LoadStep, MonitorStep, ActionStep, AutoscalerStep, PauseStep, ProbeStep]);

export const ROLLBACK_ACTIONS = ['reset-links', 'start-all', 'wait-db-healthy'] as const;
const RollbackStep = z.strictObject({ type: z.literal('action'), name, rollback: z.enum(ROLLBACK_ACTIONS) });

const StopCondition = z.union([z.strictObject({ alert: z.string().min(1) }), z.strictObject({ name, promql: z.string().min(1), above: z.number() })]);

export const Experiment = z.strictObject({
  title: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()).default([]),
  /** Where loads, monitors and http probes go: region A's front door (default) or the global entry. */
  'front-door': z.enum(FRONT_DOORS).default('edge'),
  'steady-state-hypothesis': z.strictObject({
    title: z.string().min(1),
    /** After the method, each failing probe is retried for up to this long: the time the system has to recover by itself. */
    'recovery-seconds': seconds.default(60),
    probes: z.array(Probe).min(1),
  }),
  method: z.array(MethodStep).min(1),
  rollbacks: z.array(RollbackStep).default([]),
  'stop-conditions': z.array(StopCondition).default([]),
  audit: z
    .union([
      z.literal(false),
      z.strictObject({
        'settle-seconds': seconds.default(120),
        /** The method restores the database from backup (db-disaster): orders after the archive cut-off may be lost. */
        'after-restore': z.boolean().default(false),
        /** The method loses a region (region-outage, region-partition): orders acknowledged in the loss window its fault reports may be lost, each named. */
        'after-region-loss': z.boolean().default(false),
      }),
    ])
    .default({ 'settle-seconds': 120, 'after-restore': false, 'after-region-loss': false }),
});

export type ExperimentDef = z.infer<typeof Experiment>;
export type FrontDoor = (typeof FRONT_DOORS)[number];
export type MethodStep = z.infer<typeof MethodStep>;
export type LoadStepDef = z.infer<typeof LoadStep>;
export type MonitorStepDef = z.infer<typeof MonitorStep>;
export type ActionStepDef = z.infer<typeof ActionStep>;
export type AutoscalerStepDef = z.infer<typeof AutoscalerStep>;
export type AutoscalerChange = Pick<AutoscalerStepDef, 'modes' | 'surge'>;
export type PauseStepDef = z.infer<typeof PauseStep>;
export type ProbeStepDef = z.infer<typeof ProbeStep>;

/**
 * Parses and validates an experiment. Throws an ExperimentError (ValidationError) listing every
 * problem as `file:line: field: message`.
 */
export function parseExperiment(text: string, file = '<experiment>'): ExperimentDef {
  return parseYaml(text, Experiment, { source: file, what: 'invalid experiment', refine: crossCheck });
}

/** Checks across sections: probes naming loads, monitors and actions that exist. */
function crossCheck(exp: ExperimentDef, problem: Report): void {
  const loads = exp.method.filter((s) => s.type === 'load').map((s, i) => s.name ?? `load-${i + 1}`);
  const monitors = exp.method.filter((s) => s.type === 'monitor').map((s) => s.name);
  const actions = exp.method.filter((s) => s.type === 'action' || s.type === 'autoscaler').map((s) => s.name);
  exp['steady-state-hypothesis'].probes.forEach((p, i) => {
    const path: Path = ['steady-state-hypothesis', 'probes', i];
    if (p.load) {
      if (loads.length === 0) problem([...path, 'load'], 'the method has no load step');
      else if (p.load.name ? !loads.includes(p.load.name) : loads.length > 1) problem([...path, 'load', 'name'], `name one of the loads: ${loads.join(', ')}`);
      if (p.load['relative-to'] !== undefined && !loads.includes(p.load['relative-to'])) problem([...path, 'load', 'relative-to'], `name one of the loads: ${loads.join(', ')}`);
    }
    if (p.during !== undefined && !actions.includes(p.during)) problem([...path, 'during'], `no action "${p.during}" in the method (actions: ${actions.join(', ') || 'none'})`);
    if (p.monitor) {
      if (!monitors.includes(p.monitor.name)) problem([...path, 'monitor', 'name'], `no monitor "${p.monitor.name}" in the method (monitors: ${monitors.join(', ') || 'none'})`);
      if (p.monitor.action && !actions.includes(p.monitor.action)) problem([...path, 'monitor', 'action'], `no action "${p.monitor.action}" in the method (actions: ${actions.join(', ') || 'none'})`);
      if ((p.monitor.metric === 'last-success-seconds' || p.monitor.metric === 'longest-outage-in-place-seconds') && !p.monitor.action)
        problem([...path, 'monitor', 'action'], `${p.monitor.metric} is counted from an action: name it`);
    }
  });
  const seen = new Set<string>();
  exp.method.forEach((s, i) => {
    const n = s.name;
    if (!n) return;
    if (seen.has(n)) problem(['method', i, 'name'], `the name "${n}" is used twice in the method`);
    seen.add(n);
  });
}

export function loadExperiment(file: string): ExperimentDef {
  return parseExperiment(readFileSync(file, 'utf8'), file);
}
