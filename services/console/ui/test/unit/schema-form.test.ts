import { FAULTS } from '@surge-lab/chaos/faults';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { describeFields, fieldProblems, labelFor, readArgs, readDuration, selectOptions, type TopologyChoices } from '../../src/schema-form.ts';
import type { JsonSchema } from '../../src/types.ts';

// What zod writes for the registry's arguments with { io: 'input' } (defaults are not required).
const containerStop: JsonSchema = {
  type: 'object',
  properties: {
    service: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' } as JsonSchema,
    pick: {
      default: 'one',
      anyOf: [
        { type: 'string', enum: ['one', 'random', 'all'] },
        { type: 'integer', minimum: 1, maximum: 9007199254740991 },
      ],
    },
    'grace-seconds': { default: 10, type: 'integer', minimum: 0, maximum: 120 },
  },
  required: ['service'],
};
const linkLatency: JsonSchema = {
  type: 'object',
  properties: {
    link: { type: 'string', enum: ['pg-rw', 'pg-ro', 'redis'] },
    'latency-ms': { type: 'integer', minimum: 0, maximum: 600000 },
    'jitter-ms': { default: 0, type: 'integer', minimum: 0, maximum: 600000 },
  },
  required: ['link', 'latency-ms'],
};

const topo: TopologyChoices = {
  services: ['cart', 'catalog', 'pg-1'],
  links: ['pg-ro', 'pg-rw', 'redis'],
  replicas: (s) => (s === 'cart' ? [1, 2, 3] : s === 'pg-1' ? [1] : []),
};

describe('describeFields: a JSON schema becomes form fields', () => {
  test("service is a select of the topology's services; pick a select of words and replica numbers; numbers keep min/max", () => {
    const [service, pick, grace] = describeFields(containerStop);
    expect(service).toMatchObject({ name: 'service', kind: 'select', source: 'services', required: true, label: 'Service' });
    expect(pick).toMatchObject({ name: 'pick', kind: 'select', source: 'replicas', required: false, default: 'one', integer: true, min: 1 });
    expect(pick!.max).toBeUndefined(); // Number.MAX_SAFE_INTEGER means "no limit": not shown
    expect(pick!.options!.map((o) => o.value)).toEqual(['one', 'random', 'all']);
    expect(grace).toMatchObject({ name: 'grace-seconds', kind: 'number', integer: true, min: 0, max: 120, default: 10, required: false, label: 'Grace (seconds)' });
    expect(grace!.hint).toBe('0 to 120; default 10');
  });

  test("an enum is a select of its values (the link's enum wins over the topology)", () => {
    const [link, latency, jitter] = describeFields(linkLatency);
    expect(link).toMatchObject({
      kind: 'select',
      required: true,
      options: [
        { value: 'pg-rw', label: 'pg-rw' },
        { value: 'pg-ro', label: 'pg-ro' },
        { value: 'redis', label: 'redis' },
      ],
    });
    expect(link!.source).toBeUndefined();
    expect(latency).toMatchObject({ kind: 'number', required: true, min: 0, max: 600000, label: 'Latency (ms)' });
    expect(jitter).toMatchObject({ kind: 'number', required: false, default: 0 });
  });

  test('a link without an enum takes its choices from the topology', () => {
    expect(describeFields({ properties: { link: { type: 'string' } }, required: ['link'] })[0]).toMatchObject({ kind: 'select', source: 'links' });
  });

  test('strings are text inputs, booleans checkboxes, floats numbers with any step; type lists with null are read', () => {
    const fields = describeFields({
      properties: {
        note: { type: 'string', description: 'free text' },
        dry: { type: 'boolean', default: false },
        cpus: { type: 'number', minimum: 0.01, maximum: 64 },
        mb: { type: ['integer', 'null'], minimum: 1 },
      },
      required: ['cpus'],
    });
    expect(fields.map((f) => [f.name, f.kind, f.integer])).toEqual([
      ['note', 'text', undefined],
      ['dry', 'checkbox', undefined],
      ['cpus', 'number', false],
      ['mb', 'number', true],
    ]);
    expect(fields[0]!.hint).toBe('free text; optional');
    expect(fields[3]!.label).toBe('MB');
    expect(fields[3]!.hint).toBe('at least 1; optional');
  });

  test('a fault without arguments has no fields', () => {
    expect(describeFields({ type: 'object', properties: {} })).toEqual([]);
    expect(describeFields(undefined)).toEqual([]);
  });

  test('every fault of the registry, as the console describes it, gets one usable field per argument', () => {
    for (const [name, f] of Object.entries(FAULTS)) {
      const schema = z.toJSONSchema(f.args as z.ZodObject, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
      const fields = describeFields(schema);
      expect(
        fields.map((x) => x.name),
        name,
      ).toEqual(Object.keys(schema.properties ?? {}));
      for (const x of fields) expect(x.kind, `${name} ${x.name}`).not.toBe('text'); // every argument has a better control than free text
    }
  });
});

describe('labelFor', () => {
  test('units in the name become a unit in brackets', () => {
    expect(labelFor('latency-ms')).toBe('Latency (ms)');
    expect(labelFor('rate-kbps')).toBe('Rate (kbit/s)');
    expect(labelFor('every-seconds')).toBe('Every (seconds)');
    expect(labelFor('cpus')).toBe('CPUs');
    expect(labelFor('service')).toBe('Service');
    expect(labelFor('x', { title: 'Given title' })).toBe('Given title');
  });
});

describe('selectOptions', () => {
  const [service, pick] = describeFields(containerStop);
  test("pick: its words, then the chosen service's replicas by number", () => {
    expect(selectOptions(pick!, topo, 'cart')).toEqual([
      { value: 'one', label: 'one' },
      { value: 'random', label: 'random' },
      { value: 'all', label: 'all' },
      { value: 1, label: 'replica 1' },
      { value: 2, label: 'replica 2' },
      { value: 3, label: 'replica 3' },
    ]);
    expect(selectOptions(pick!, topo, 'pg-1').map((o) => o.value)).toEqual(['one', 'random', 'all', 1]);
  });
  test('pick for a service the topology does not know yet: replicas 1 to 3 of its range', () => {
    expect(
      selectOptions(pick!, topo, undefined)
        .slice(3)
        .map((o) => o.value),
    ).toEqual([1, 2, 3]);
  });
  test("service: the topology's service names", () => {
    expect(selectOptions(service!, topo).map((o) => o.value)).toEqual(['cart', 'catalog', 'pg-1']);
  });
});

describe("readArgs: the form's values become the POST's args", () => {
  const fields = describeFields(containerStop);
  test('a replica number is sent as a number, a word as a string, numbers as numbers', () => {
    expect(readArgs(fields, { service: 'cart', pick: '2', 'grace-seconds': '30' })).toEqual({ service: 'cart', pick: 2, 'grace-seconds': 30 });
    expect(readArgs(fields, { service: 'cart', pick: 'all', 'grace-seconds': '0' })).toEqual({ service: 'cart', pick: 'all', 'grace-seconds': 0 });
  });
  test('empty optional fields are left out (the server has their defaults)', () => {
    expect(readArgs(fields, { service: 'cart', pick: '', 'grace-seconds': '  ' })).toEqual({ service: 'cart' });
  });
  test('a number field that does not read as a number is sent as typed, for the server to name', () => {
    expect(readArgs(describeFields(linkLatency), { link: 'redis', 'latency-ms': 'lots' })).toEqual({ link: 'redis', 'latency-ms': 'lots' });
  });
  test('checkboxes are booleans', () => {
    expect(readArgs(describeFields({ properties: { dry: { type: 'boolean' } } }), { dry: true })).toEqual({ dry: true });
    expect(readArgs(describeFields({ properties: { dry: { type: 'boolean' } } }), {})).toEqual({ dry: false });
  });
  test('the duration: empty holds until reverted; otherwise a number', () => {
    expect(readDuration('')).toBeUndefined();
    expect(readDuration(' 30 ')).toBe(30);
    expect(readDuration('soon')).toBe('soon');
  });
});

describe("fieldProblems: a 400's details go next to the fields they name", () => {
  const form = { args: ['link', 'latency-ms', 'jitter-ms'], top: ['durationSeconds'] };
  test('args.<name> to that argument, durationSeconds to the duration', () => {
    const p = fieldProblems(
      [
        { field: 'args.latency-ms', problem: 'Too big: expected number to be <=600000' },
        { field: 'durationSeconds', problem: 'Too small: expected number to be >=1' },
        { field: 'args.latency-ms', problem: 'expected int' },
      ],
      form,
    );
    expect(Object.fromEntries(p.byField)).toEqual({ 'latency-ms': ['Too big: expected number to be <=600000', 'expected int'], durationSeconds: ['Too small: expected number to be >=1'] });
    expect(p.general).toEqual([]);
  });
  test('what names no field of the form stays general, in words', () => {
    const p = fieldProblems(
      [{ field: 'args', problem: 'unknown argument(s) rate' }, { field: 'fault', problem: 'Invalid option' }, { field: 'args.rate', problem: 'unknown' }, { problem: 'something else' }],
      form,
    );
    expect(p.byField.size).toBe(0);
    expect(p.general).toEqual(['args: unknown argument(s) rate', 'fault: Invalid option', 'args.rate: unknown', 'something else']);
  });
  test('a path inside a value names its argument; { path, message } is read too', () => {
    const p = fieldProblems([{ path: 'args.link.0', message: 'bad' }], form);
    expect(Object.fromEntries(p.byField)).toEqual({ link: ['bad'] });
  });
  test('a top-level field is not an argument: "link" alone does not mark the link argument', () => {
    const p = fieldProblems([{ field: 'link', problem: 'x' }], form);
    expect(p.byField.size).toBe(0);
  });
  test('details that are not a list: nothing to route', () => {
    expect(fieldProblems(undefined, form)).toEqual({ byField: new Map(), general: [] });
    expect(fieldProblems({ field: 'x' }, form).general).toEqual([]);
  });
});
