// Validated YAML: a YAML text parsed and checked against a zod schema in one go. Every problem
// is reported at once, each with its line and field, so a typo is found when the file is loaded
// and not halfway through what the file drives. Used for the chaos experiments and the
// autoscaler's policy. Imports nothing of the project's own: only `yaml` and `zod`.
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';

export type Path = readonly (string | number)[];

/** One problem: its line in the file (from 1), the field (as `field` names paths), what is wrong. */
export interface Problem {
  line: number;
  field: string;
  message: string;
}

/** A problem as one line: `file:line: field: message` (editors open the file at the line). */
export const formatProblem = (source: string, p: Problem): string => `${source}:${p.line}: ${p.field}: ${p.message}`;

/** A file that did not validate: every problem, in line order. */
export class ValidationError extends Error {
  readonly source: string;
  readonly problems: readonly Problem[];
  constructor(source: string, problems: readonly Problem[], what = 'invalid file') {
    super(`${source}: ${what}:\n${problems.map((p) => `  ${formatProblem(source, p)}`).join('\n')}`);
    this.name = 'ValidationError';
    this.source = source;
    this.problems = problems;
  }
}

/** Fields as zod names them: `method.0.fault`; the document itself is `(top level)`. */
export const dottedField = (path: Path): string => (path.length ? path.join('.') : '(top level)');
/** Fields as code reads them: `schedule[0].at`. */
export const bracketField = (path: Path): string => path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '') || '(top level)';

/** Reports a problem at a path of the document: on its value (default) or, with at 'key', on its key. */
export type Report = (path: Path, message: string, o?: { at?: 'value' | 'key' }) => void;

/** A schema problem, for `message` to reword. */
export interface IssueView {
  /** zod's issue code; `missing` for a required field that is absent; `unknown-key` for each key the schema does not take. */
  code: string;
  /** Where: for `unknown-key`, the path of the key itself. */
  path: Path;
  /** The value at the path in the document as written (undefined when absent). */
  value: unknown;
  /** The message the helper would give. */
  message: string;
  /** `unknown-key`: the keys the mapping takes (from the schema, or `allowedKeys`). */
  allowed?: readonly string[];
  /** `unknown-key`: a close allowed key, if any. */
  suggestion?: string;
}

export interface ParseOptions<T> {
  /** The file's name in messages. */
  source?: string;
  /** The error's headline, e.g. "invalid experiment". */
  what?: string;
  /** How a path is written (default `dottedField`). */
  field?: (path: Path) => string;
  /** Rewords a schema problem; undefined keeps the helper's message. */
  message?: (issue: IssueView) => string | undefined;
  /** The keys a mapping takes, for unknown-key messages; by default read from the schema. */
  allowedKeys?: (path: Path) => readonly string[] | undefined;
  /**
   * Rules across fields on the document as written. They run even when the schema finds
   * problems elsewhere, so that every problem of the file is reported at once.
   */
  check?: (raw: unknown, problem: Report) => void;
  /** Rules across fields on the parsed data (with defaults); they run only when the schema holds. */
  refine?: (data: T, problem: Report) => void;
}

/**
 * Parses `text` as YAML and validates it with `schema`. Returns the parsed data, or throws a
 * ValidationError listing every problem (YAML syntax, schema, `check`, then `refine`) with its
 * line and field.
 */
export function parseYaml<S extends z.ZodType>(text: string, schema: S, o: ParseOptions<z.output<S>> = {}): z.output<S> {
  const source = o.source ?? '<yaml>';
  const fieldOf = o.field ?? dottedField;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  const fail = (problems: Problem[]) => new ValidationError(source, inLineOrder(problems), o.what);
  if (doc.errors.length) throw fail(doc.errors.map((e) => ({ line: lineOf(e.pos[0]), field: 'YAML', message: e.message.split('\n')[0]! })));

  const raw: unknown = doc.toJS();
  const top = objectKeys(schema, raw);
  if (top && !isRecord(raw)) throw fail([{ line: 1, field: fieldOf([]), message: `the file must be a YAML mapping (${top.join(', ')})` }]);

  const problems: Problem[] = [];
  const problem: Report = (path, message, { at = 'value' } = {}) => {
    problems.push({ line: lineOf(nodeAt(doc.contents, path, at)?.range?.[0]), field: fieldOf(path), message });
  };
  const reworded = (view: IssueView) => o.message?.(view) ?? view.message;

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
      if (issue.code === 'unrecognized_keys') {
        const allowed = o.allowedKeys?.(path) ?? keysAt(schema, path, raw);
        for (const key of issue.keys) {
          const suggestion = closest(key, allowed);
          const message = `unknown field${suggestion ? `, did you mean ${suggestion}?` : ''}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
          const at = [...path, key];
          problem(at, reworded({ code: 'unknown-key', path: at, value: valueAt(raw, at), message, allowed, ...(suggestion ? { suggestion } : {}) }), { at: 'key' });
        }
        continue;
      }
      const value = valueAt(raw, path);
      // Absent, and the schema wanted a value there (a refinement's own message about an absent
      // field stands, unless it is zod's "received undefined" passed on).
      const missing = value === undefined && (issue.code !== 'custom' || /received undefined$/.test(issue.message));
      problem(path, reworded({ code: missing ? 'missing' : issue.code, path, value, message: missing ? required(issue) : issue.message }));
    }
  }
  o.check?.(raw, problem);
  if (problems.length || !parsed.success) throw fail(problems);
  o.refine?.(parsed.data, problem);
  if (problems.length) throw fail(problems);
  return parsed.data;
}

/** "required (expected number)": what zod expected there, when it says. */
function required(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `required (expected ${issue.expected})`;
  const expected = /expected (\w+)/.exec(issue.message)?.[1];
  if (expected) return `required (expected ${expected})`;
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) return `required (one of ${issue.options.join(', ')})`;
  return 'required';
}

/** Sorted by line (on one line, in the order found: the schema's order); the same problem found twice is listed once. */
function inLineOrder(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const k = `${p.line}\u0000${p.field}\u0000${p.message}`;
      return !seen.has(k) && !!seen.add(k);
    })
    .sort((a, b) => a.line - b.line);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The value on `path` in plain data (undefined where there is none). */
export function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/**
 * The node on `path`: its value, or its key with at 'key'. For a field that is missing: the key
 * of the mapping that lacks it (`arguments:`), or the mapping itself (a list item, the document).
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

// ---- the keys a mapping of the schema takes (for unknown-key messages) ----

type Schema = z.core.$ZodType;

/** The schema under wrappers (optional, default, pipe, ...); for a union, the option the data looks like. */
function unwrap(schema: Schema, data: unknown): Schema {
  let s = schema;
  for (;;) {
    if (
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable ||
      s instanceof z.ZodDefault ||
      s instanceof z.ZodPrefault ||
      s instanceof z.ZodNonOptional ||
      s instanceof z.ZodReadonly ||
      s instanceof z.ZodCatch
    )
      s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else if (s instanceof z.ZodLazy) s = s.unwrap();
    else if (s instanceof z.ZodUnion) {
      const option = unionOption(s, data);
      if (!option) return s;
      s = option;
    } else return s;
  }
}

/** Of a union's mapping options: the one whose discriminator the data has, or the one sharing most keys with it. */
function unionOption(u: z.ZodUnion, data: unknown): Schema | undefined {
  const objects = u.options.map((opt) => unwrap(opt, data)).filter((opt) => opt instanceof z.ZodObject);
  const d = u instanceof z.ZodDiscriminatedUnion ? u.def.discriminator : undefined;
  const given = isRecord(data) ? data : {};
  if (d !== undefined) {
    const match = objects.find((opt) => {
      const lit = opt.shape[d];
      return lit instanceof z.ZodLiteral && [...lit.values].some((v) => v === given[d]);
    });
    if (match) return match;
  }
  let best: z.ZodObject | undefined;
  let shared = -1;
  for (const opt of objects) {
    const n = Object.keys(given).filter((k) => Object.hasOwn(opt.shape, k)).length;
    if (n > shared) [best, shared] = [opt, n];
  }
  return best;
}

/** The schema of the value on `path`, or undefined where the schema does not say. */
function schemaAt(schema: Schema, path: Path, data: unknown): { schema: Schema; data: unknown } | undefined {
  let s: Schema = schema;
  let v = data;
  for (const key of path) {
    const u = unwrap(s, v);
    let next: Schema | undefined;
    if (u instanceof z.ZodObject && typeof key === 'string') next = u.shape[key];
    else if (u instanceof z.ZodArray && typeof key === 'number') next = u.element;
    else if (u instanceof z.ZodTuple && typeof key === 'number') next = u.def.items[key] ?? u.def.rest ?? undefined;
    else if (u instanceof z.ZodRecord) next = u.valueType;
    if (!next) return undefined;
    s = next;
    v = valueAt(v, [key]);
  }
  return { schema: s, data: v };
}

/** The keys of the mapping the schema wants at `path` (none if it is not a mapping of known keys). */
function keysAt(schema: Schema, path: Path, data: unknown): readonly string[] {
  const at = schemaAt(schema, path, data);
  return (at && objectKeys(at.schema, at.data)) ?? [];
}

function objectKeys(schema: Schema, data: unknown): string[] | undefined {
  const u = unwrap(schema, data);
  return u instanceof z.ZodObject ? Object.keys(u.shape) : undefined;
}

// ---- "did you mean" ----

/** An allowed key that looks like `key`: a few edits away, or cut short (`interval`). */
export function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const a of allowed) {
    const prefix = key.length >= 4 && (a.startsWith(key) || key.startsWith(a));
    const d = distance(key, a);
    const score = prefix ? Math.min(d, 0.5) : d;
    if ((prefix || d <= Math.max(2, Math.floor(key.length / 4))) && score < bestScore) [best, bestScore] = [a, score];
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
