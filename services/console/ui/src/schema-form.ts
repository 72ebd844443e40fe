// The fault form, as data: a fault's JSON schema becomes field descriptors (what to render),
// the form's raw values become the POST's `args`, and a 400's details are routed back to the
// fields they name. Pure functions; sections/faults.ts turns them into DOM.
import type { JsonSchema } from './types.ts';

export type FieldKind = 'select' | 'number' | 'text' | 'checkbox';
export type FieldValue = string | number | boolean;
export interface FieldOption {
  value: FieldValue;
  label: string;
}

export interface FieldDescriptor {
  /** The argument's name in `args`. */
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  default?: FieldValue;
  /** Fixed choices (enums). */
  options?: FieldOption[];
  /**
   * Choices that come from the topology: the compose services, the Toxiproxy links, or the
   * replica numbers of the service chosen in the same form (`pick`).
   */
  source?: 'services' | 'links' | 'replicas';
  /** A number input (or the numeric part of a select such as `pick`) takes integers only. */
  integer?: boolean;
  min?: number;
  max?: number;
  /** One line under the label: the schema's description, range and default. */
  hint: string;
}

/** Numbers this large are "no limit" (zod writes Number.MAX_SAFE_INTEGER): not worth showing. */
const NO_LIMIT = 2 ** 40;

const UNITS: Record<string, string> = { ms: 'ms', seconds: 'seconds', s: 'seconds', kbps: 'kbit/s', mb: 'MB', cpus: 'CPUs' };

/** 'latency-ms' → 'Latency (ms)', 'grace-seconds' → 'Grace (seconds)', 'mb' → 'MB', 'pick' → 'Pick'. */
export function labelFor(name: string, schema: JsonSchema = {}): string {
  if (schema.title) return schema.title;
  const words = name.split(/[-_\s]+/).filter(Boolean);
  const last = words.at(-1)?.toLowerCase();
  if (words.length === 1 && last && UNITS[last]) return UNITS[last]!;
  const unit = words.length > 1 && last ? UNITS[last] : undefined;
  const base = (unit ? words.slice(0, -1) : words).join(' ');
  const text = base.charAt(0).toUpperCase() + base.slice(1);
  return unit ? `${text} (${unit})` : text;
}

const typesOf = (s: JsonSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []).filter((t) => t !== 'null');

const isFieldValue = (v: unknown): v is FieldValue => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

interface Shape {
  choices: FieldValue[];
  numeric?: { integer: boolean; min?: number; max?: number };
  text: boolean;
  boolean: boolean;
}

/** What a property (with its anyOf/oneOf members) accepts: fixed choices, a number range, text. */
function shapeOf(s: JsonSchema): Shape {
  const out: Shape = { choices: [], text: false, boolean: false };
  const members = [...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  for (const m of members.length ? members : [s]) {
    if (Array.isArray(m.enum)) {
      out.choices.push(...m.enum.filter(isFieldValue));
      continue;
    }
    if (m.const !== undefined && isFieldValue(m.const)) {
      out.choices.push(m.const);
      continue;
    }
    const types = typesOf(m);
    if (types.includes('integer') || types.includes('number')) {
      const min = m.minimum ?? (m.exclusiveMinimum !== undefined ? m.exclusiveMinimum : undefined);
      const max = m.maximum ?? (m.exclusiveMaximum !== undefined ? m.exclusiveMaximum : undefined);
      out.numeric = {
        integer: types.includes('integer') && !types.includes('number'),
        ...(min !== undefined && Math.abs(min) < NO_LIMIT ? { min } : {}),
        ...(max !== undefined && Math.abs(max) < NO_LIMIT ? { max } : {}),
      };
    } else if (types.includes('boolean')) out.boolean = true;
    else out.text = true; // strings, and anything the form cannot do better than a text box
  }
  return out;
}

function hintFor(d: Omit<FieldDescriptor, 'hint'>, s: JsonSchema): string {
  const parts: string[] = [];
  if (s.description) parts.push(s.description);
  if (d.kind === 'number') {
    if (d.min !== undefined && d.max !== undefined) parts.push(`${d.min} to ${d.max}`);
    else if (d.min !== undefined) parts.push(`at least ${d.min}`);
    else if (d.max !== undefined) parts.push(`at most ${d.max}`);
  }
  if (d.source === 'replicas') parts.push('which replica: one, random, all, or a replica number');
  if (d.default !== undefined) parts.push(`default ${String(d.default)}`);
  if (!d.required && d.default === undefined) parts.push('optional');
  return parts.join('; ');
}

/**
 * The fields of a fault's argument schema, in the schema's order. `service` and `link` take their
 * choices from the topology (the schema's enum, when it has one, wins for links); a union of
 * fixed words and integers (`pick`: one | random | all | replica number) is a select whose numbers
 * are the chosen service's replicas.
 */
export function describeFields(schema: JsonSchema | undefined): FieldDescriptor[] {
  const props = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  return Object.entries(props).map(([name, s]) => {
    const shape = shapeOf(s);
    const base = {
      name,
      label: labelFor(name, s),
      required: required.has(name),
      ...(isFieldValue(s.default) ? { default: s.default } : {}),
    };
    let d: Omit<FieldDescriptor, 'hint'>;
    if (name === 'service' && !shape.choices.length) d = { ...base, kind: 'select', source: 'services' };
    else if (name === 'link' && !shape.choices.length) d = { ...base, kind: 'select', source: 'links' };
    else if (shape.choices.length && shape.numeric) {
      d = {
        ...base,
        kind: 'select',
        source: 'replicas',
        options: shape.choices.map((v) => ({ value: v, label: String(v) })),
        integer: shape.numeric.integer,
        ...(shape.numeric.min !== undefined ? { min: shape.numeric.min } : {}),
        ...(shape.numeric.max !== undefined ? { max: shape.numeric.max } : {}),
      };
    } else if (shape.choices.length) d = { ...base, kind: 'select', options: shape.choices.map((v) => ({ value: v, label: String(v) })) };
    else if (shape.numeric && !shape.text) {
      d = {
        ...base,
        kind: 'number',
        integer: shape.numeric.integer,
        ...(shape.numeric.min !== undefined ? { min: shape.numeric.min } : {}),
        ...(shape.numeric.max !== undefined ? { max: shape.numeric.max } : {}),
      };
    } else if (shape.boolean && !shape.text) d = { ...base, kind: 'checkbox' };
    else d = { ...base, kind: 'text' };
    return { ...d, hint: hintFor(d, s) };
  });
}

export interface TopologyChoices {
  services: readonly string[];
  links: readonly string[];
  /** Replica numbers of a service (from its containers). */
  replicas: (service: string) => readonly number[];
}

/**
 * The options a select shows now: fixed choices, topology names, or for `pick` its words then
 * "replica N" for each replica of `service` (1…3 of the range when the service is unknown).
 */
export function selectOptions(d: FieldDescriptor, topo: TopologyChoices, service?: string): FieldOption[] {
  if (d.source === 'services') return topo.services.map((n) => ({ value: n, label: n }));
  if (d.source === 'links') return topo.links.map((n) => ({ value: n, label: n }));
  const fixed = d.options ?? [];
  if (d.source !== 'replicas') return fixed;
  const min = d.min ?? 1;
  let numbers = service ? [...topo.replicas(service)] : [];
  if (!numbers.length) numbers = [min, min + 1, min + 2];
  numbers = numbers.filter((n) => n >= min && (d.max === undefined || n <= d.max));
  return [...fixed, ...numbers.map((n) => ({ value: n, label: `replica ${n}` }))];
}

/** A select's option value as the DOM holds it (a string). */
export const optionKey = (v: FieldValue) => String(v);

/** Raw values as read from the form: strings from inputs and selects, booleans from checkboxes. */
export type RawValues = Record<string, string | boolean | undefined>;

/**
 * The POST's `args` from the form. Empty optional fields are left out (the server fills its
 * defaults); numbers are sent as numbers; a select's value keeps the type of its choice (a
 * replica number is a number, 'one' a string). A number field that does not read as a number is
 * sent as typed, so the server names it in its 400.
 */
export function readArgs(fields: readonly FieldDescriptor[], raw: RawValues): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const f of fields) {
    const v = raw[f.name];
    if (f.kind === 'checkbox') {
      args[f.name] = v === true;
      continue;
    }
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '') {
      if (f.required && f.default !== undefined) args[f.name] = f.default;
      continue;
    }
    if (f.kind === 'number') {
      const n = Number(text);
      args[f.name] = Number.isFinite(n) ? n : text;
      continue;
    }
    if (f.kind === 'select') {
      const fixed = f.options?.find((o) => optionKey(o.value) === text);
      if (fixed) {
        args[f.name] = fixed.value;
        continue;
      }
      if (f.source === 'replicas' && /^-?\d+(\.\d+)?$/.test(text)) {
        args[f.name] = Number(text);
        continue;
      }
    }
    args[f.name] = text;
  }
  return args;
}

/** The duration a fault holds: empty means until reverted; otherwise whole seconds (or as typed, for the server to name). */
export function readDuration(raw: string): number | string | undefined {
  const t = raw.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export interface FieldProblems {
  /** Problems by field key: an argument's name, or a top-level field ('durationSeconds'). */
  byField: Map<string, string[]>;
  /** Problems that name no field of the form (the fault itself, unknown arguments…), as sentences. */
  general: string[];
}

/**
 * Routes a 400's details to a form's fields: `args.<name>` to that argument's field (`args.pick.0`,
 * inside a value, too), a top-level name (`durationSeconds`) to its field; anything else, or an
 * argument the form has no field for, stays general. Accepts `{ field, problem }` (the lab's
 * format) and `{ path, message }`.
 */
export function fieldProblems(details: unknown, fields: { args?: readonly string[]; top?: readonly string[] }): FieldProblems {
  const out: FieldProblems = { byField: new Map(), general: [] };
  const args = new Set(fields.args ?? []);
  const top = new Set(fields.top ?? []);
  const add = (key: string, problem: string) => {
    const list = out.byField.get(key) ?? [];
    list.push(problem);
    out.byField.set(key, list);
  };
  for (const d of Array.isArray(details) ? details : []) {
    if (!d || typeof d !== 'object') continue;
    const o = d as Record<string, unknown>;
    const field = typeof o.field === 'string' ? o.field : typeof o.path === 'string' ? o.path : Array.isArray(o.path) ? o.path.join('.') : '';
    const problem = typeof o.problem === 'string' ? o.problem : typeof o.message === 'string' ? o.message : 'is not valid';
    const path = /^args\.(.+)$/.exec(field)?.[1];
    const arg = path === undefined ? undefined : args.has(path) ? path : path.split('.')[0];
    const head = field.split('.')[0] ?? '';
    if (arg !== undefined && args.has(arg)) add(arg, problem);
    else if (path === undefined && top.has(field)) add(field, problem);
    else if (path === undefined && top.has(head)) add(head, problem);
    else out.general.push(field ? `${field}: ${problem}` : problem);
  }
  return out;
}
