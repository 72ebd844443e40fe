// The runner's logic with its lab dependencies replaced by recording fakes: the faults it
// injects and reverts, the alerts it reads, the load it starts. No lab is needed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ActiveFault } from '../../faults/types.ts';
import type { LoadOptions, LoadResult } from '../../load/run.ts';
import { parseExperiment } from '../../runner/experiment.ts';
import { type RunnerDeps, runExperiment, sleep } from '../../runner/run.ts';

const experiment = (extra = '') =>
  parseExperiment(
    `title: The shop survives a slow Redis
steady-state-hypothesis:
  title: the shop answers
  recovery-seconds: 1
  probes:
    - name: product page
      http: { path: /api/products/p-00001 }
      tolerance: { status: [200] }
      when: [before, during, after]
    - name: no error
      load: { metric: errors }
      tolerance: { equals: 0 }
method:
  - type: load
    scenario: browse
    duration: 2
  - type: action
    name: slow redis
    fault: link-latency
    arguments: { link: redis, latency-ms: 500 }
    duration: 1
    probe-after: 0.2
rollbacks:
  - type: action
    name: reset
    rollback: reset-links
${extra}audit: false
`,
    'test.yaml',
  );

function fakes(o: { status?: () => number; alerts?: () => string[] } = {}) {
  const log: string[] = [];
  const deps: RunnerDeps = {
    async inject(_ctx, fault, args) {
      log.push(`inject ${fault} ${JSON.stringify(args)}`);
      const f: ActiveFault = {
        name: fault,
        kind: fault,
        target: String(args.link),
        startedAt: new Date(),
        revert: async () => {
          log.push(`revert ${fault}`);
        },
      };
      return f;
    },
    async autoscaler(_ctx, change) {
      log.push(`autoscaler ${JSON.stringify(change)}`);
      return {
        name: 'autoscaler change',
        kind: change.modes ? 'autoscaler-modes' : 'autoscaler-surge',
        target: 'autoscaler',
        startedAt: new Date(),
        revert: async () => {
          log.push('autoscaler put back');
        },
      };
    },
    async runLoad(lo: LoadOptions): Promise<LoadResult> {
      log.push(`load ${lo.scenario}`);
      await sleep(lo.durationSeconds * 1_000, lo.signal);
      if (lo.signal?.aborted) log.push('load stopped early');
      const summary = { requests: 10, ok: 10, rejected: 0, durationSeconds: 1, throughput: 10, latencyMs: { p50: 1, p90: 1, p99: 2, p999: 2, max: 2 }, byStatus: { 200: 10 }, errors: {} };
      return {
        scenario: lo.scenario,
        mode: 'closed (connections)',
        options: lo,
        startedAt: new Date().toISOString(),
        endedAt: new Date().toISOString(),
        summary,
        timeline: [],
        edgeCache: {},
        acknowledgedOrders: 0,
        resultFile: '',
      } as unknown as LoadResult;
    },
    startMonitor: () => {
      throw new Error('no monitor in these experiments');
    },
    http: async () => ({ status: o.status?.() ?? 200, headers: {}, ms: 1 }),
    promql: async () => 0,
    firingAlerts: async () => o.alerts?.() ?? [],
    takeBaseline: async () => {
      throw new Error('audit is off');
    },
    recordOverride: async () => {},
    setStock: async () => {},
    audit: async () => {
      throw new Error('audit is off');
    },
    rollback: async (action) => {
      log.push(`rollback ${action}`);
    },
    annotator: { available: false, point: async () => {}, region: async () => async () => {} },
    target: 'http://127.0.0.1:1',
  };
  return { deps, log };
}

const reportDir = () => mkdtempSync(join(tmpdir(), 'surge-runner-'));
const quiet = () => {};

describe('runExperiment', () => {
  test('a run where everything holds passes (exit 0): the fault is injected, reverted, and its window recorded', async () => {
    const { deps, log } = fakes();
    const { journal, exitCode } = await runExperiment(experiment(), { file: 'test.yaml', reportDir: reportDir(), deps, log: quiet });
    expect(exitCode).toBe(0);
    expect(journal.status).toBe('pass');
    expect(log).toEqual(['load browse', 'inject link-latency {"link":"redis","latency-ms":500}', 'revert link-latency', 'rollback reset-links']);
    expect(journal.faults).toHaveLength(1);
    expect(Date.parse(journal.faults[0]!.end!) - Date.parse(journal.faults[0]!.start)).toBeGreaterThanOrEqual(990);
    expect(journal.probes.map((p) => `${p.phase} ${p.name} ${p.ok}`)).toEqual(['before product page true', 'during product page true', 'after product page true', 'after no error true']);
  });

  test('an autoscaler step is a runner step, not a fault: its change is made, held for its duration and put back, with its window recorded', async () => {
    const { deps, log } = fakes();
    const exp = parseExperiment(
      `title: The controller scales under a surge
steady-state-hypothesis:
  title: the shop answers
  probes:
    - name: product page
      http: { path: /api/products/p-00001 }
      tolerance: { status: [200] }
method:
  - type: autoscaler
    name: autoscaling on
    modes: { autoscaling: true }
    duration: 0.5
  - type: autoscaler
    name: a surge on the schedule
    surge: { service: catalog, in-seconds: 60, duration-seconds: 120, min-replicas: 3 }
audit: false
`,
      'test.yaml',
    );
    const { journal, exitCode } = await runExperiment(exp, { file: 'test.yaml', reportDir: reportDir(), deps, log: quiet });
    expect(exitCode).toBe(0);
    expect(log).toEqual([
      'autoscaler {"modes":{"autoscaling":true}}',
      'autoscaler put back',
      'autoscaler {"surge":{"service":"catalog","in-seconds":60,"lead-seconds":60,"duration-seconds":120,"min-replicas":3}}',
      'autoscaler put back',
    ]);
    expect(journal.faults.map((f) => [f.name, f.kind])).toEqual([
      ['autoscaling on', 'autoscaler-modes'],
      ['a surge on the schedule', 'autoscaler-surge'],
    ]);
  });

  test('an autoscaler step that changes nothing, two things, or a service the autoscaler does not scale is refused with its line', () => {
    const step = (body: string) => () =>
      parseExperiment(
        `title: t
steady-state-hypothesis:
  title: s
  probes:
    - name: p
      promql: up
      tolerance: { at-least: 0 }
method:
  - type: autoscaler
    name: x
${body}
audit: false
`,
        'bad.yaml',
      );
    expect(step('    duration: 1')).toThrow(/bad\.yaml:9: method\.0: .*give modes or surge/);
    expect(step('    modes: { autoscaling: true }\n    surge: { service: catalog, in-seconds: 1, duration-seconds: 1, min-replicas: 2 }')).toThrow(/give modes or surge/);
    expect(step('    surge: { service: payment, in-seconds: 1, duration-seconds: 1, min-replicas: 2 }')).toThrow(/method\.0\.surge\.service: .*catalog/);
  });

  test('a stop condition firing mid-fault aborts (exit 2): the load is stopped, the fault reverted, the rollbacks run', async () => {
    let firing: string[] = [];
    const { deps, log } = fakes({ alerts: () => firing });
    setTimeout(() => {
      firing = ['EdgeHighErrorRatio'];
    }, 300);
    const exp = experiment('stop-conditions:\n  - alert: EdgeHighErrorRatio\n');
    exp.method[0] = { ...exp.method[0]!, duration: 30 } as never;
    (exp.method[1] as { duration?: number }).duration = 30;
    const started = Date.now();
    const { journal, exitCode } = await runExperiment(exp, { file: 'test.yaml', reportDir: reportDir(), deps, log: quiet, stopConditionPollMs: 50 });
    expect(exitCode).toBe(2);
    expect(journal.status).toBe('aborted');
    expect(journal.abort?.reason).toBe('stop condition: alert EdgeHighErrorRatio is firing');
    expect(log).toEqual(expect.arrayContaining(['load stopped early', 'revert link-latency', 'rollback reset-links']));
    expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s of the fault
    expect(journal.verdict).toMatch(/^Stopped early by the stop condition alert EdgeHighErrorRatio is firing; every fault was rolled back/);
  });

  test('an interrupt (Ctrl-C) during a fault rolls it back and ends as aborted (exit 2)', async () => {
    const { deps, log } = fakes();
    const exp = experiment();
    (exp.method[1] as { duration?: number }).duration = 30;
    const ctrlC = new AbortController();
    const injected = new Promise<void>((resolve) => {
      const inject = deps.inject;
      deps.inject = async (...a) => {
        const f = await inject(...a);
        resolve();
        return f;
      };
    });
    void injected.then(() => ctrlC.abort('interrupted (Ctrl-C)'));
    const { journal, exitCode } = await runExperiment(exp, { file: 'test.yaml', reportDir: reportDir(), deps, log: quiet, signal: ctrlC.signal });
    expect(exitCode).toBe(2);
    expect(journal.abort?.reason).toBe('interrupted (Ctrl-C)');
    expect(log.filter((l) => l.startsWith('revert'))).toEqual(['revert link-latency']);
    expect(journal.faults[0]!.end).toBeDefined();
  });

  test('when the steady state does not hold before, the method is not run (exit 1)', async () => {
    const { deps, log } = fakes({ status: () => 503 });
    const { journal, exitCode } = await runExperiment(experiment(), { file: 'test.yaml', reportDir: reportDir(), deps, log: quiet });
    expect(exitCode).toBe(1);
    expect(log).toEqual([]); // nothing injected, no load started, nothing to roll back
    expect(journal.verdict).toMatch(/did not hold before the experiment \(product page\); the method was not run/);
  });

  test('a probe failing during the fault fails the run (exit 1), and the fault is still reverted', async () => {
    let calls = 0;
    const { deps, log } = fakes({ status: () => (++calls === 2 ? 500 : 200) });
    const { journal, exitCode } = await runExperiment(experiment(), { file: 'test.yaml', reportDir: reportDir(), deps, log: quiet });
    expect(exitCode).toBe(1);
    expect(journal.verdict).toContain('during "slow redis": product page');
    expect(log).toContain('revert link-latency');
  });

  test('a stop condition already holding at the start keeps the method from running', async () => {
    const { deps, log } = fakes({ alerts: () => ['EdgeHighErrorRatio'] });
    const { journal, exitCode } = await runExperiment(experiment('stop-conditions:\n  - alert: EdgeHighErrorRatio\n'), {
      file: 'test.yaml',
      reportDir: reportDir(),
      deps,
      log: quiet,
      clearWaitSeconds: 0,
    });
    expect(exitCode).toBe(1);
    expect(log.some((l) => l.startsWith('inject'))).toBe(false);
    expect(journal.verdict).toMatch(/stop condition held before the experiment could start/);
  });

  test("a monitor's figures around an action: the last success while its fault was in place, and only the outages that began then", async () => {
    // A shopper: it fails from 300 to 700 ms into the fault (1 s long), buys again until the revert,
    // then fails from 100 to 900 ms after it (a region rejoining). A during probe scoped to the other
    // action is judged there only.
    const { deps, log } = fakes();
    let injectedAt = 0;
    let revertedAt = 0;
    deps.inject = async (_ctx, fault) => {
      injectedAt = Date.now();
      const revert = async () => {
        revertedAt = Date.now();
      };
      return { name: fault, kind: fault, target: 'region a', startedAt: new Date(injectedAt), revert };
    };
    deps.startMonitor = (def) => {
      const attempts: { at: number; ok: boolean; detail?: string }[] = [];
      let on = true;
      const loop = (async () => {
        while (on) {
          const now = Date.now();
          const into = now - injectedAt;
          const after = revertedAt ? now - revertedAt : -1;
          const ok = !injectedAt || (revertedAt ? after < 100 || after > 900 : into < 300 || into > 700);
          attempts.push({ at: now, ok, ...(ok ? {} : { detail: 'checkout: 503' }) });
          await sleep(20);
        }
      })();
      return {
        name: def.name,
        attempts,
        async stop() {
          on = false;
          await loop;
          const { outages } = await import('../../runner/monitors.ts');
          const w = outages(attempts);
          return {
            name: def.name,
            description: 'fake',
            attempts: attempts.length,
            failures: attempts.filter((a) => !a.ok).length,
            longestOutageSeconds: Math.max(0, ...w.map((x) => (x.end - x.start) / 1000)),
            outages: w.map((x) => ({ start: new Date(x.start).toISOString(), end: new Date(x.end).toISOString(), seconds: (x.end - x.start) / 1000 })),
          };
        },
      };
    };
    const exp = parseExperiment(
      `title: a cut-off region stops acknowledging within its bound
steady-state-hypothesis:
  title: bounded
  recovery-seconds: 0
  probes:
    - name: the last success while the fault was in place
      monitor: { name: door, metric: last-success-seconds, action: cut }
      tolerance: { between: [0.9, 1.2] }
    - name: only what the cut caused
      monitor: { name: door, metric: longest-outage-in-place-seconds, action: cut }
      tolerance: { between: [0.3, 0.6] }
    - name: the rejoin included
      monitor: { name: door, metric: longest-outage-seconds, action: cut }
      tolerance: { at-least: 0.75 }
    - name: judged in the other action only
      http: { path: /api/products/p-00001 }
      tolerance: { status: [200] }
      when: [during]
      during: later
method:
  - type: monitor
    name: door
    checkout: {}
  - type: action
    name: cut
    fault: region-partition
    duration: 1
    pauses: { after: 1 }
  - type: action
    name: later
    fault: db-switchover
    probe-after: 0
audit: false
`,
      'cut.yaml',
    );
    const { journal } = await runExperiment(exp, { file: 'cut.yaml', reportDir: reportDir(), deps, log: quiet });
    expect(log).toEqual([]);
    expect(journal.probes.filter((p) => p.phase === 'after').map((p) => [p.name, p.ok])).toEqual([
      ['the last success while the fault was in place', true],
      ['only what the cut caused', true],
      ['the rejoin included', true],
    ]);
    // Judged once: in "later", not in "cut".
    expect(journal.probes.filter((p) => p.phase === 'during').map((p) => p.name)).toEqual(['judged in the other action only']);
    expect(journal.status).toBe('pass');
  });
});
