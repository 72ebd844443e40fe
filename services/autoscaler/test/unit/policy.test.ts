// The policy file: the lab's default parses, defaults fill omitted fields, and a wrong file is
// refused with every problem named by line and field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, RECOVERABLE_SERVICES, ValidationError } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { APP_SERVICES, parsePolicy, scheduleEntry } from '../../src/domain/policy.ts';

const FILE = 'infra/autoscaler/scaling.yaml';
const root = join(import.meta.dirname, '..', '..', '..', '..');

function problems(text: string): string[] {
  try {
    parsePolicy(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const e = err as ValidationError;
    const lines = e.problems.map((p) => formatProblem(e.source, p));
    for (const line of lines) expect(e.message).toContain(line);
    return lines;
  }
  throw new Error('expected the policy to be refused');
}

const catalog = (extra = '') => `services:
  catalog:
    min: 2
    max: 4
    metric: rps-per-replica
    target: 120
${extra}`;

describe("the lab's policy file", () => {
  test('infra/autoscaler/scaling.yaml parses, and every service in it is an app service', () => {
    const policy = parsePolicy(readFileSync(join(root, FILE), 'utf8'), FILE);
    expect(Object.keys(policy.services).length).toBeGreaterThan(0);
    for (const name of Object.keys(policy.services)) expect(APP_SERVICES).toContain(name);
    expect(policy.schedule[0]).toMatchObject({ name: 'flash sale', service: 'checkout', when: { kind: 'daily', minuteOfDay: 720 }, minReplicas: 4 });
    expect(policy.predictive).toMatchObject({ enabled: true, services: ['catalog', 'checkout'], periodSeconds: 3600 });
    expect(policy.recovery).toMatchObject({ enabled: true, unhealthyThreshold: 2, maxRestarts: 3, windowSeconds: 600 });
  });

  test("a hung container is restarted as soon as with 3 s checks: the compose file's interval × the policy's threshold", () => {
    const policy = parsePolicy(readFileSync(join(root, FILE), 'utf8'), FILE);
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true, maxAliasCount: -1 }) as {
      services: Record<string, { healthcheck: { interval: string; retries: number } }>;
    };
    // Before checks ran every 5 s: the shop's replicas 3 × 3 s, the edge 5 × 3 s.
    const bound: Record<string, number> = { edge: 15, 'edge-b': 15 };
    for (const name of RECOVERABLE_SERVICES) {
      const { interval, retries } = compose.services[name]!.healthcheck;
      const seconds = Number(/^(\d+)s$/.exec(interval)?.[1]);
      // Docker says unhealthy after `retries` misses; the controller restarts after `threshold` of them.
      expect(seconds * Math.max(retries, policy.recovery.unhealthyThreshold), name).toBeLessThanOrEqual(bound[name] ?? 10);
    }
  });

  test('the app services are catalog, cart and checkout', () => {
    expect(APP_SERVICES).toEqual(['catalog', 'cart', 'checkout']);
  });
});

describe('defaults', () => {
  test('omitted service fields take the defaults: tolerance 0.1, cooldowns 20 s out / 90 s in, stabilization 60 s, max-step 2', () => {
    const policy = parsePolicy(catalog());
    expect(policy.services.catalog).toEqual({
      service: 'catalog',
      min: 2,
      max: 4,
      metric: 'rps-per-replica',
      target: 120,
      tolerance: 0.1,
      scaleOutCooldownSeconds: 20,
      scaleInCooldownSeconds: 90,
      scaleInStabilizationSeconds: 60,
      maxStep: 2,
    });
    expect(policy.services.cart).toBeUndefined();
  });

  test('top level: enabled, a 5 s interval, no schedule; omitted predictive and recovery sections are off', () => {
    const policy = parsePolicy(catalog());
    expect(policy).toMatchObject({ enabled: true, intervalSeconds: 5, schedule: [] });
    expect(policy.predictive.enabled).toBe(false);
    expect(policy.recovery).toEqual({ enabled: false, unhealthyThreshold: 3, maxRestarts: 3, windowSeconds: 600, restartGraceSeconds: 30 });
  });

  test('a section that is present is on unless it says enabled: false, with its own defaults', () => {
    const policy = parsePolicy(`${catalog()}predictive:\n  services: [catalog]\nrecovery: {}\n`);
    expect(policy.predictive).toEqual({ enabled: true, services: ['catalog'], periodSeconds: 3600, lookaheadSeconds: 120, historyPeriods: 3 });
    expect(policy.recovery.enabled).toBe(true);
  });

  test('a schedule entry without a name is named after its service and time; lead defaults to 120 s', () => {
    const policy = parsePolicy(`${catalog()}schedule:\n  - { service: catalog, at: "09:30", duration-seconds: 600, min-replicas: 3 }\n`);
    expect(policy.schedule[0]).toMatchObject({ name: 'catalog at 09:30', leadSeconds: 120, when: { kind: 'daily', minuteOfDay: 570 } });
  });

  test('a one-off entry at an ISO timestamp with a zone is parsed to its instant', () => {
    const policy = parsePolicy(`${catalog()}schedule:\n  - { service: catalog, at: "2025-11-28T12:00:00+01:00", duration-seconds: 600, min-replicas: 3 }\n`);
    expect(policy.schedule[0]!.when).toEqual({ kind: 'once', atMs: Date.UTC(2025, 10, 28, 11, 0) });
  });

  test('enabled: false (dry run) is kept', () => {
    expect(parsePolicy(`enabled: false\n${catalog()}`).enabled).toBe(false);
  });
});

describe('a wrong policy is refused with the line and field of every problem', () => {
  test('min greater than max names both values and the line of min', () => {
    expect(
      problems(`services:
  catalog:
    min: 5
    max: 4
    metric: rps-per-replica
    target: 120
`),
    ).toEqual([`${FILE}:3: services.catalog.min: (5) is greater than max (4)`]);
  });

  test('min below 1 and max above 10', () => {
    expect(
      problems(`services:
  catalog: { min: 0, max: 11, metric: rps-per-replica, target: 120 }
`),
    ).toEqual([
      // on one line, in the schema's order
      `${FILE}:2: services.catalog.min: (0) must be at least 1`,
      `${FILE}:2: services.catalog.max: (11) must be at most 10 (the lab's limit per service)`,
    ]);
  });

  test('an unknown service is refused, naming the allowed ones', () => {
    const p = problems(`${catalog()}  payment:\n    min: 1\n`);
    expect(p).toEqual([`${FILE}:7: services.payment: is not an app service (allowed: catalog, cart, checkout)`]);
  });

  test('negative and fractional cooldowns are refused', () => {
    expect(
      problems(
        catalog(`    scale-out-cooldown-seconds: -5
    scale-in-cooldown-seconds: 2.5
`),
      ),
    ).toEqual([`${FILE}:7: services.catalog.scale-out-cooldown-seconds: (-5) must not be negative`, `${FILE}:8: services.catalog.scale-in-cooldown-seconds: (2.5) must be a whole number of seconds`]);
  });

  test('a typo in a key is an unknown field, with a suggestion and the allowed fields', () => {
    const [p] = problems(catalog('    scale-in-cooldown-secs: 90\n'));
    expect(p).toMatch(new RegExp(`^${FILE}:7: services\\.catalog\\.scale-in-cooldown-secs: is not a known field, did you mean scale-in-cooldown-seconds\\? \\(allowed: min, max, `));
  });

  test('unknown keys at the top level and in sections are refused too', () => {
    const p = problems(`${catalog()}interval: 5\nrecovery:\n  max-restart: 3\n`);
    expect(p).toEqual([
      expect.stringMatching(new RegExp(`^${FILE}:7: interval: is not a known field, did you mean interval-seconds\\?`)),
      expect.stringMatching(new RegExp(`^${FILE}:9: recovery\\.max-restart: is not a known field, did you mean max-restarts\\?`)),
    ]);
  });

  test('a target of 0 or below, and a metric that does not exist', () => {
    expect(
      problems(`services:
  catalog:
    min: 2
    max: 4
    metric: rps
    target: -1
`),
    ).toEqual([
      `${FILE}:5: services.catalog.metric: ("rps") must be one of rps-per-replica, event-loop-lag-ms, inflight-per-replica`,
      `${FILE}:6: services.catalog.target: (-1) must be greater than 0`,
    ]);
  });

  test('a missing required field is named at the mapping that lacks it', () => {
    expect(
      problems(`services:
  cart:
    min: 2
    max: 4
    metric: inflight-per-replica
`),
    ).toEqual([`${FILE}:2: services.cart.target: is required`]);
  });

  test.each([['25:00'], ['12:60'], ['9:30'], ['noon'], ['2025-02-30T12:00:00Z'], ['2025-11-28T12:00:00'], ['2025-11-28'], ['2025-11-28 12:00Z']])(
    'a bad `at` (%s) is refused with the formats it accepts',
    (at) => {
      const p = problems(`${catalog()}schedule:\n  - service: catalog\n    at: "${at}"\n    duration-seconds: 60\n    min-replicas: 3\n`);
      expect(p).toEqual([`${FILE}:9: schedule[0].at: (${JSON.stringify(at)}) must be "HH:MM" (daily, UTC) or an ISO timestamp with its zone, e.g. "2025-11-28T12:00:00Z"`]);
    },
  );

  test('an unquoted at that YAML reads as a number is refused (1200 is not 12:00)', () => {
    const p = problems(`${catalog()}schedule:\n  - { service: catalog, at: 1200, duration-seconds: 60, min-replicas: 3 }\n`);
    expect(p).toEqual([`${FILE}:8: schedule[0].at: (1200) must be a quoted string`]);
  });

  test("a schedule whose min-replicas is above the service's max", () => {
    const p = problems(`${catalog()}schedule:\n  - name: sale\n    service: catalog\n    at: "12:00"\n    duration-seconds: 60\n    min-replicas: 6\n`);
    expect(p).toEqual([`${FILE}:12: schedule[0].min-replicas: (6) is above catalog's max (4)`]);
  });

  test('a schedule for a service that has no policy, and one for a service that is not an app service', () => {
    const p = problems(`${catalog()}schedule:
  - { service: checkout, at: "12:00", duration-seconds: 60, min-replicas: 3 }
  - { service: payment, at: "12:00", duration-seconds: 60, min-replicas: 3 }
`);
    expect(p).toEqual([
      `${FILE}:8: schedule[0].service: ("checkout") has no policy under services (a schedule needs its min and max)`,
      `${FILE}:9: schedule[1].service: ("payment") is not an app service (allowed: catalog, cart, checkout)`,
    ]);
  });

  test('a daily window longer than a day, and two entries with one name', () => {
    const p = problems(`${catalog()}schedule:
  - { name: a, service: catalog, at: "12:00", lead-seconds: 3600, duration-seconds: 84000, min-replicas: 3 }
  - { name: a, service: catalog, at: "2025-11-28T12:00:00Z", duration-seconds: 60, min-replicas: 3 }
`);
    expect(p).toEqual([
      `${FILE}:8: schedule[0].duration-seconds: (84000) plus lead-seconds (3600) exceeds a day: a daily window would overlap the next day's`,
      `${FILE}:9: schedule[1].name: ("a") is already used by schedule[0]`,
    ]);
  });

  test('predictive services must be listed under services, scale on req/s, and exist', () => {
    const p = problems(`${catalog()}  cart: { min: 1, max: 3, metric: event-loop-lag-ms, target: 20 }
predictive:
  services: [catalog, checkout, cart, shipping]
  lookahead-seconds: 3600
`);
    expect(p).toEqual([
      // On one line: the schema's problems first, then the rules across fields.
      `${FILE}:9: predictive.services[3]: ("shipping") is not an app service (allowed: catalog, cart, checkout)`,
      `${FILE}:9: predictive.services[1]: ("checkout") has no policy under services (the forecast floor needs its target and max)`,
      `${FILE}:9: predictive.services[2]: ("cart") scales on event-loop-lag-ms: the forecast is in req/s and needs metric rps-per-replica`,
      `${FILE}:10: predictive.lookahead-seconds: (3600) must be shorter than period-seconds (3600)`,
    ]);
  });

  test('every problem of a file is listed at once, in line order, cross-field rules included', () => {
    const p = problems(`enabled: maybe
services:
  catalog:
    min: 5
    max: 4
    metric: rps-per-replica
    target: 0
    max-step: 0
recovery:
  window-seconds: 0
`);
    expect(p.map((x) => x.split(': ')[0])).toEqual([`${FILE}:1`, `${FILE}:4`, `${FILE}:7`, `${FILE}:8`, `${FILE}:10`]);
    expect(p[0]).toBe(`${FILE}:1: enabled: ("maybe") must be true or false`);
    expect(p[1]).toBe(`${FILE}:4: services.catalog.min: (5) is greater than max (4)`);
  });

  test('YAML syntax errors and duplicate keys name their line', () => {
    expect(problems(`${catalog()}    min: 3\n`)[0]).toMatch(new RegExp(`^${FILE}:7: YAML: .*[Uu]nique`));
    expect(problems('services: [catalog\n')[0]).toMatch(new RegExp(`^${FILE}:\\d+: YAML: `));
  });

  test('a file that is not a mapping', () => {
    expect(problems('')).toEqual([expect.stringMatching(/must be a YAML mapping/)]);
    expect(problems('- catalog\n')).toEqual([expect.stringMatching(/must be a YAML mapping/)]);
  });

  test('the error message starts with the source and lists one problem per line', () => {
    try {
      parsePolicy(catalog('    max-step: 0\n'), FILE);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(`${FILE}: invalid scaling policy:\n  ${FILE}:7: services.catalog.max-step: (0) must be at least 1`);
    }
  });
});

describe('schedule entries added at run time', () => {
  const policy = parsePolicy(readFileSync(join(root, FILE), 'utf8'));
  test('a valid one-off entry is taken, with its defaults', () => {
    const r = scheduleEntry(policy, { name: 'drill', service: 'checkout', at: '2030-01-01T10:00:00Z', 'duration-seconds': 300, 'min-replicas': 4 });
    expect(r).toEqual({ ok: true, entry: expect.objectContaining({ name: 'drill', leadSeconds: 120, minReplicas: 4, when: { kind: 'once', atMs: Date.UTC(2030, 0, 1, 10) } }) });
  });
  test('problems name their fields: above max, an unknown service, a bad time, a name in use, an unknown field', () => {
    const r = scheduleEntry(policy, { name: 'flash sale', service: 'checkout', at: 'noon', 'duration-seconds': 300, 'min-replicas': 9, colour: 'red' });
    expect(r.ok).toBe(false);
    const bad = scheduleEntry(policy, { service: 'checkout', at: '12:30', 'duration-seconds': 60, 'min-replicas': 6 });
    expect(bad).toMatchObject({ ok: false, problems: [{ field: 'min-replicas', problem: expect.stringMatching(/above checkout's max/) }] });
    const used = scheduleEntry(policy, { name: 'flash sale', service: 'checkout', at: '12:30', 'duration-seconds': 60, 'min-replicas': 3 });
    expect(used).toMatchObject({ ok: false, problems: [{ field: 'name' }] });
    if (!r.ok) expect(r.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['at', 'colour']));
    const svc = scheduleEntry(policy, { service: 'payment', at: '12:30', 'duration-seconds': 60, 'min-replicas': 3 });
    expect(svc).toMatchObject({ ok: false, problems: [{ field: 'service' }] });
  });
});
