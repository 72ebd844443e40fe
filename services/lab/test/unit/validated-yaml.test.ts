import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { bracketField, closest, formatProblem, type ParseOptions, type Problem, parseYaml, ValidationError, valueAt } from '../../src/validated-yaml.ts';

const Step = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('load'), scenario: z.string(), duration: z.number().min(1) }),
  z.strictObject({ type: z.literal('pause'), seconds: z.number() }),
]);
const Doc = z.strictObject({
  title: z.string().min(1),
  retries: z.number().int().default(3),
  limits: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  steps: z.array(Step).min(1),
});

function problems<S extends z.ZodType>(text: string, schema: S, o: ParseOptions<z.output<S>> = {}): readonly Problem[] {
  try {
    parseYaml(text, schema, { source: 'x.yaml', ...o });
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error('expected the text to be rejected');
}

describe('parseYaml', () => {
  test('a valid text gives the typed data, with defaults', () => {
    const d = parseYaml('title: t\nsteps:\n  - { type: pause, seconds: 2 }\n', Doc);
    expect(d).toEqual({ title: 't', retries: 3, steps: [{ type: 'pause', seconds: 2 }] });
    expect(d.retries + 1).toBe(4);
  });

  test('a YAML syntax error, and a key given twice, name their line', () => {
    expect(problems('title: x\nsteps: [\n  - a: b\n', Doc)[0]).toMatchObject({ field: 'YAML', line: expect.any(Number) });
    const [dup] = problems('title: x\nsteps: []\ntitle: y\n', Doc);
    expect(dup).toMatchObject({ line: 3, field: 'YAML' });
    expect(dup!.message).toMatch(/unique/i);
  });

  test('a document that is not a mapping says which keys it takes', () => {
    expect(problems('- a\n- b\n', Doc)).toEqual([{ line: 1, field: '(top level)', message: 'the file must be a YAML mapping (title, retries, limits, steps)' }]);
    expect(problems('', Doc)).toHaveLength(1);
  });

  test('a missing field points at the mapping that lacks it: its key, a list item, or the top', () => {
    const text = `title: t
limits:
  min: 1
steps:
  - type: load
    scenario: browse
`;
    expect(problems(text, Doc)).toEqual([
      { line: 2, field: 'limits.max', message: 'required (expected number)' },
      { line: 5, field: 'steps.0.duration', message: 'required (expected number)' },
    ]);
    expect(problems('retries: 1\n', Doc)).toEqual([
      { line: 1, field: 'title', message: 'required (expected string)' },
      { line: 1, field: 'steps', message: 'required (expected array)' },
    ]);
  });

  test('a wrong value names its own line; problems come in line order', () => {
    const text = 'title: t\nretries: 1.5\nsteps:\n  - type: load\n    scenario: browse\n    duration: 0\n';
    expect(problems(text, Doc).map((p) => `${p.line} ${p.field}`)).toEqual(['2 retries', '6 steps.0.duration']);
  });

  test('an unknown key is named on its own line, with the keys the mapping takes and a guess', () => {
    const text = `title: t
steps:
  - type: load
    scenario: browse
    duraton: 10
`;
    expect(problems(text, Doc)).toEqual([
      { line: 3, field: 'steps.0.duration', message: 'required (expected number)' },
      { line: 5, field: 'steps.0.duraton', message: 'unknown field, did you mean duration? (allowed: type, scenario, duration)' },
    ]);
    // The keys are those of the union's option the item is (by its discriminator).
    expect(problems('title: t\nsteps:\n  - { type: pause, seconds: 1, colour: red }\n', Doc)).toEqual([{ line: 3, field: 'steps.0.colour', message: 'unknown field (allowed: type, seconds)' }]);
    expect(problems('titel: t\nsteps: [{ type: pause, seconds: 1 }]\n', Doc).map((p) => p.message)).toEqual([
      'required (expected string)',
      'unknown field, did you mean title? (allowed: title, retries, limits, steps)',
    ]);
  });

  test('an unknown discriminator is named on the discriminator', () => {
    expect(problems('title: t\nsteps:\n  - type: explode\n', Doc)).toEqual([{ line: 3, field: 'steps.0.type', message: "Invalid discriminator value. Expected 'load' | 'pause'" }]);
  });

  test('refinements with a path point at that field', () => {
    const Limits = z.strictObject({ min: z.number(), max: z.number() }).refine((l) => l.min <= l.max, { path: ['min'], message: 'is greater than max' });
    expect(problems('max: 1\nmin: 5\n', Limits)).toEqual([{ line: 2, field: 'min', message: 'is greater than max' }]);
    // A refinement's message about a field left out (e.g. one with a default) is kept.
    const Probe = z
      .strictObject({ load: z.string().optional(), when: z.array(z.string()).default(['during']) })
      .refine((p) => !p.load || p.when.every((w) => w === 'after'), { path: ['when'], message: 'load probes are judged after the method' });
    expect(problems('load: errors\n', Probe)).toEqual([{ line: 1, field: 'when', message: 'load probes are judged after the method' }]);
  });

  test('check runs on the raw document even when the schema fails; refine only when it holds', () => {
    const text = 'title: t\nlimits: { min: 5, max: 4 }\nretries: many\nsteps: [{ type: pause, seconds: 1 }]\n';
    let refined = false;
    const p = problems(text, Doc, {
      check(raw, problem) {
        const min = valueAt(raw, ['limits', 'min']);
        const max = valueAt(raw, ['limits', 'max']);
        if (typeof min === 'number' && typeof max === 'number' && min > max) problem(['limits', 'min'], `is greater than max (${max})`);
      },
      refine: () => {
        refined = true;
      },
    });
    expect(p).toEqual([
      { line: 2, field: 'limits.min', message: 'is greater than max (4)' },
      { line: 3, field: 'retries', message: 'Invalid input: expected number, received string' },
    ]);
    expect(refined).toBe(false);

    const q = problems('title: t\nsteps:\n  - { type: pause, seconds: 1 }\n  - { type: pause, seconds: 2 }\n', Doc, {
      refine(d, problem) {
        d.steps.forEach((s, i) => {
          if (i > 0 && s.type === 'pause') problem(['steps', i], 'two pauses in a row');
        });
      },
    });
    expect(q).toEqual([{ line: 4, field: 'steps.1', message: 'two pauses in a row' }]);
  });

  test('the error message lists every problem as file:line: field: message', () => {
    try {
      parseYaml('title: ""\nsteps: []\n', Doc, { source: 'chaos/x.yaml', what: 'invalid experiment' });
      expect.unreachable();
    } catch (err) {
      const e = err as ValidationError;
      expect(e.source).toBe('chaos/x.yaml');
      expect(e.message).toBe(
        [
          'chaos/x.yaml: invalid experiment:',
          '  chaos/x.yaml:1: title: Too small: expected string to have >=1 characters',
          '  chaos/x.yaml:2: steps: Too small: expected array to have >=1 items',
        ].join('\n'),
      );
      for (const p of e.problems) expect(e.message).toContain(formatProblem(e.source, p));
    }
  });
});

// The autoscaler's policy wants: `schedule[0].at` field names, "is required", the value shown,
// its own words for an unknown service, and cross-field rules on the raw document.
describe('a policy-style file', () => {
  const SERVICES = ['catalog', 'cart', 'checkout'] as const;
  const Service = z.strictObject({ min: z.number().int(), max: z.number().int(), target: z.number() });
  const Policy = z.strictObject({
    'interval-seconds': z.number({ error: 'must be a number' }).int('must be a whole number of seconds').default(5),
    services: z.strictObject({ catalog: Service.optional(), cart: Service.optional(), checkout: Service.optional() }).default({}),
    schedule: z.array(z.strictObject({ service: z.enum(SERVICES), at: z.string({ error: 'must be a quoted string' }) })).default([]),
  });
  const shown = (v: unknown) => (v !== undefined && (v === null || typeof v !== 'object') ? `(${typeof v === 'string' ? JSON.stringify(v) : String(v)}) ` : '');
  const options: ParseOptions<z.output<typeof Policy>> = {
    source: 'scaling.yaml',
    what: 'invalid scaling policy',
    field: bracketField,
    message(i) {
      if (i.code === 'missing') return 'is required';
      if (i.code === 'unknown-key') {
        if (i.path.length === 2 && i.path[0] === 'services') return `is not an app service (allowed: ${SERVICES.join(', ')})`;
        return `is not a known field${i.suggestion ? `, did you mean ${i.suggestion}?` : ''} (allowed: ${i.allowed!.join(', ')})`;
      }
      return `${shown(i.value)}${i.message}`;
    },
    check(raw, problem) {
      const services = valueAt(raw, ['services']);
      if (services === null || typeof services !== 'object') return;
      for (const [name, p] of Object.entries(services)) {
        const min = valueAt(p, ['min']);
        const max = valueAt(p, ['max']);
        if (typeof min === 'number' && typeof max === 'number' && min > max) problem(['services', name, 'min'], `(${min}) is greater than max (${max})`);
      }
    },
  };
  const text = `interval: 5
services:
  catalog:
    min: 5
    max: 4
    target: 10
  cart:
    min: 1
  payment:
    min: 1
schedule:
  - service: catalog
    at: 1200
`;

  test('every problem at once, in its words, on its line', () => {
    expect(problems(text, Policy, options).map((p) => formatProblem('scaling.yaml', p))).toEqual([
      'scaling.yaml:1: interval: is not a known field, did you mean interval-seconds? (allowed: interval-seconds, services, schedule)',
      'scaling.yaml:4: services.catalog.min: (5) is greater than max (4)',
      'scaling.yaml:7: services.cart.max: is required',
      'scaling.yaml:7: services.cart.target: is required',
      'scaling.yaml:9: services.payment: is not an app service (allowed: catalog, cart, checkout)',
      'scaling.yaml:13: schedule[0].at: (1200) must be a quoted string',
    ]);
  });
});

describe('closest', () => {
  test('a few edits away, or cut short', () => {
    expect(closest('scale-in-cooldown-secs', ['scale-in-cooldown-seconds', 'scale-out-cooldown-seconds'])).toBe('scale-in-cooldown-seconds');
    expect(closest('max-restart', ['max-restarts', 'window-seconds'])).toBe('max-restarts');
    expect(closest('colour', ['type', 'seconds'])).toBeUndefined();
  });
});
