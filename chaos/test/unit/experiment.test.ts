import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FAULT_NAMES } from '../../faults/registry.ts';
import { ExperimentError, parseExperiment } from '../../runner/experiment.ts';
import { loadFigure } from '../../runner/run.ts';

const dir = join(import.meta.dirname, '..', '..', 'experiments');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

const minimal = (method: string, extra = '') => `title: a claim
steady-state-hypothesis:
  title: it works
  probes:
    - name: product page
      http: { path: /api/products/p-00001 }
      tolerance: { status: [200] }
${extra}method:
${method}`;

function problems(text: string): string[] {
  try {
    parseExperiment(text, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ExperimentError);
    return (err as ExperimentError).problems.map((p) => `line ${p.line}, field ${p.field}: ${p.message}`);
  }
  throw new Error('expected the experiment to be rejected');
}

describe('the shipped experiments', () => {
  test.each(files)('%s parses, and names only faults that exist', (f) => {
    const exp = parseExperiment(readFileSync(join(dir, f), 'utf8'), f);
    expect(exp.title.length).toBeGreaterThan(10);
    for (const step of exp.method) if (step.type === 'action') expect(FAULT_NAMES).toContain(step.fault);
  });
});

describe('a malformed experiment is rejected with the line and field of every problem', () => {
  test('an unknown fault names its line and lists the faults', () => {
    const p = problems(
      minimal(`  - type: action
    name: kill it
    fault: container-explode
    arguments: { service: catalog }
`),
    );
    expect(p).toEqual([expect.stringMatching(/^line 11, field method\.0\.fault: unknown fault "container-explode"; one of container-kill, /)]);
  });

  test('a missing and an unknown fault argument are both named, with what the fault takes', () => {
    const p = problems(
      minimal(`  - type: action
    name: slow redis
    fault: link-latency
    arguments:
      link: redis
      latency: 500
`),
    );
    expect(p).toContain('line 12, field method.0.arguments.latency-ms: required (expected number)');
    expect(p).toContain('line 13, field method.0.arguments: unknown argument(s) latency; link-latency takes link, latency-ms, jitter-ms');
  });

  test('a misspelled tolerance bound and a bad scenario are reported together, in line order', () => {
    const text = minimal(`  - type: load
    scenario: browze
    duration: 10
`).replace('tolerance: { status: [200] }', 'tolerance: { belw: 3 }');
    const p = problems(text);
    expect(p[0]).toMatch(/^line 7, field steady-state-hypothesis\.probes\.0\.tolerance\.belw: unknown field, did you mean below\? \(allowed: status, header, /);
    expect(p.at(-1)).toBe('line 10, field method.0.scenario: must be one of browse, journey, flash-sale, soak');
  });

  test('a missing required section points at the top level', () => {
    expect(problems('title: only a title\n')).toEqual(['line 1, field steady-state-hypothesis: required (expected object)', 'line 1, field method: required (expected array)']);
  });

  test('a probe that measures two things, or judges http with a number, is refused', () => {
    const p = problems(
      minimal(`  - type: pause
    seconds: 1
`).replace('      http: { path: /api/products/p-00001 }\n', '      http: { path: /api/products/p-00001 }\n      promql: up\n'),
    );
    expect(p).toEqual([expect.stringMatching(/^line 5, field steady-state-hypothesis\.probes\.0: a probe measures one thing: give exactly one of http, promql, load, monitor \(got http, promql\)/)]);
  });

  test('a probe naming a monitor that the method does not start is refused', () => {
    const p = problems(
      minimal(
        `  - type: pause
    seconds: 1
`,
        ''.padEnd(0),
      ).replace(
        'probes:\n',
        `probes:
    - name: writes come back
      monitor: { name: writes, metric: longest-outage-seconds }
      tolerance: { at-most: 25 }
`,
      ),
    );
    expect(p).toEqual(['line 6, field steady-state-hypothesis.probes.0.monitor.name: no monitor "writes" in the method (monitors: none)']);
  });

  test('a during probe names an action of the method, and only a during probe may; last-success-seconds names its action', () => {
    const method = `  - type: monitor
    name: writes
    checkout: {}
  - type: action
    name: cut the region off
    fault: region-partition
`;
    const withProbes = (probes: string) => minimal(method).replace('probes:\n', `probes:\n${probes}`);
    expect(
      problems(
        withProbes(`    - name: judged before
      http: { path: /api/products/p-00001 }
      tolerance: { status: [200] }
      during: cut the region off
`),
      ),
    ).toEqual(['line 8, field steady-state-hypothesis.probes.0.during: during names the action a `during` probe is judged in: give when: [during]']);
    expect(
      problems(
        withProbes(`    - name: served by region B meanwhile
      http: { path: /api/products/p-00001 }
      tolerance: { status: [200] }
      when: [during]
      during: cut teh region off
    - name: the last acknowledgement
      monitor: { name: writes, metric: last-success-seconds }
      tolerance: { at-most: 22 }
`),
      ),
    ).toEqual([
      'line 9, field steady-state-hypothesis.probes.0.during: no action "cut teh region off" in the method (actions: cut the region off)',
      'line 11, field steady-state-hypothesis.probes.1.monitor.action: last-success-seconds is counted from an action: name it',
    ]);
  });

  test('a probe step of the method is parsed as a probe (judged "during" unless it says), its problems named by method path', () => {
    const step = `  - type: probe
    name: still answers
    http: { path: /api/products/p-00001 }
    tolerance: { status: [200] }
`;
    expect(parseExperiment(minimal(step), 'x.yaml').method[0]).toEqual({
      type: 'probe',
      name: 'still answers',
      when: ['during'],
      http: { path: '/api/products/p-00001', method: 'GET', headers: {}, 'timeout-ms': 5_000 },
      tolerance: { status: [200] },
    });
    expect(
      problems(
        minimal(`  - type: probe
    name: no errors yet
    load: { metric: errors }
    tolerance: { equals: 0, status: [200] }
`),
      ),
    ).toEqual([
      'line 9, field method.0.when: load and monitor probes judge the whole run: they are evaluated after the method only',
      'line 12, field method.0.tolerance: status and header apply to http probes only',
    ]);
  });

  test('a YAML syntax error names its line', () => {
    expect(problems('title: x\nmethod: [\n  - a: b\n')[0]).toMatch(/^line \d+, field YAML: /);
  });

  test('a method step of an unknown type is named', () => {
    expect(problems(minimal('  - type: explode\n'))).toEqual([expect.stringMatching(/^line 9, field method\.0\.type: Invalid discriminator value/)]);
  });
});

describe('A/B figures of two loads', () => {
  const twoLoads = `  - { type: load, name: fixed, scenario: browse, duration: 10 }
  - { type: load, name: scaled, scenario: browse, duration: 10 }
`;
  test('relative-to names another load of the method', () => {
    const ok = minimal(twoLoads).replace(
      '      tolerance: { status: [200] }\n',
      '      tolerance: { status: [200] }\n    - name: fewer shed\n      load: { name: scaled, metric: shed, relative-to: fixed }\n      tolerance: { below: 1 }\n',
    );
    expect(() => parseExperiment(ok, 'x.yaml')).not.toThrow();
    const bad = ok.replace('relative-to: fixed', 'relative-to: nope');
    expect(problems(bad).join('\n')).toMatch(/load\.relative-to.*name one of the loads: fixed, scaled/);
  });

  test('a figure of a load: shed counts 429s; error-ratio and timeouts as the probes name them', () => {
    const l = {
      acknowledgedOrders: 3,
      summary: {
        requests: 100,
        ok: 80,
        rejected: 0,
        throughput: 10,
        latencyMs: { p50: 5, p90: 9, p99: 40, p999: 50, max: 60 },
        byStatus: { '200': 80, '429': 15, '504': 2, '500': 3 },
        errors: { timeout: 1 },
      },
    };
    expect(loadFigure(l, 'shed')).toBe(15);
    expect(loadFigure(l, 'timeouts')).toBe(3);
    expect(loadFigure(l, 'unexpected-5xx')).toBe(3);
    expect(loadFigure(l, 'p99-ms')).toBe(40);
    expect(loadFigure(l, 'acknowledged-orders')).toBe(3);
  });
});
