// The chaos experiments CI requires, against the live lab: each must end in a pass verdict,
// with its integrity audit. Then the panels that only have data during a fault are checked
// against what these experiments produced, and the runner's abort and Ctrl-C paths are shown
// to leave no fault behind.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { labDeps, parseExperiment, runExperiment } from '@surge-lab/chaos/runner';
import { injectedToxics, waitFor } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { CI_EXPERIMENTS, expectPass, runNamed } from './experiments.ts';
import { lab, projectRoot, prometheusUrl } from './lab.ts';

const reportDir = join(projectRoot, 'reports', 'chaos');
const startedAt = Date.now();
const lines: string[] = [];
const log = (l: string) => {
  lines.push(l);
  if (/verdict|✘|abort/.test(l)) console.log(`[chaos] ${l}`);
};

describe('npm run audit', () => {
  test('audits the ledger of an `npm run load` journey run against the live system: every check passes and is counted', async () => {
    const run = promisify(execFile);
    const load = await run('node', ['chaos/cli/load.ts', 'journey', '--duration', '6', '--rate', '10', '--connections', '4'], { cwd: projectRoot });
    const ledger = /audit it with: npm run audit -- (\S+)/.exec(load.stdout)?.[1];
    expect(ledger).toBeDefined();
    const { stdout } = await run('node', ['chaos/cli/audit.ts', ledger!], { cwd: projectRoot }); // exits 1 on any failed check
    for (const check of [
      'every acknowledged order exists with its lines and total',
      'no idempotency key has two orders',
      'each order has exactly one published event',
      'each order is fulfilled exactly once',
      'stock = initial − sold and never negative',
    ]) {
      expect(stdout).toMatch(new RegExp(`✔ ${check.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+checked\\s+[1-9]`));
    }
    expect(stdout).toMatch(/audit PASSED: [1-9]\d* acknowledged order/);
  }, 120_000);
});

describe('chaos experiments against the live lab', { concurrent: false }, () => {
  test.each(CI_EXPERIMENTS)(
    '%s ends in a pass verdict, its audit included',
    async (name) => {
      expectPass(name, await runNamed(name, log));
    },
    900_000,
  );

  test('every fault-only dashboard panel had data while the experiments ran', async () => {
    const panels = ['surge-overview', 'data-tier', 'resilience'].flatMap((d) =>
      (
        JSON.parse(readFileSync(join(projectRoot, 'grafana', 'dashboards', `${d}.json`), 'utf8')) as { panels: { title: string; surgeLab?: { faultOnly?: boolean }; targets?: { expr: string }[] }[] }
      ).panels
        .filter((p) => p.surgeLab?.faultOnly)
        .flatMap((p) => (p.targets ?? []).map((t) => ({ panel: `${d} › ${p.title}`, expr: t.expr }))),
    );
    expect(panels.length).toBeGreaterThan(0);
    const empty: string[] = [];
    for (const { panel, expr } of panels) {
      const q = new URLSearchParams({ query: expr, start: String(startedAt / 1000), end: String(Date.now() / 1000), step: '15' });
      const body = (await (await fetch(`${prometheusUrl()}/api/v1/query_range?${q}`)).json()) as { data: { result: { values: [number, string][] }[] } };
      const hasData = body.data.result.some((s) => s.values.some(([, v]) => Number(v) > 0));
      if (!hasData) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });

  test('a stop condition that holds aborts the run with exit 2, and no toxic is left behind', async () => {
    const exp = parseExperiment(
      `title: A stop condition aborts and rolls back
steady-state-hypothesis:
  title: the shop answers
  probes:
    - name: product page
      http: { path: /api/products/p-00001 }
      tolerance: { status: [200] }
method:
  - type: action
    name: slow redis
    fault: link-latency
    arguments: { link: redis, latency-ms: 100 }
    duration: 60
stop-conditions:
  - name: always true once the fault is in
    promql: max(toxiproxy_toxics_active) or vector(0)
    above: 0
audit: false
`,
      'abort.yaml',
    );
    const started = Date.now();
    const { journal, exitCode } = await runExperiment(exp, { file: 'abort.yaml', reportDir, deps: await labDeps(lab, log), log, stopConditionPollMs: 500 });
    expect(exitCode).toBe(2);
    expect(journal.status).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(45_000);
    expect((await lab.toxiproxy.proxies()).flatMap(injectedToxics)).toEqual([]);
  }, 120_000);

  test('Ctrl-C during `npm run gameday` rolls the fault back and exits 2', async () => {
    const child = spawn('node', ['chaos/cli/gameday.ts', 'chaos/test/fixtures/long-latency.yaml'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await waitFor('the fault injected', async () => (await lab.toxiproxy.proxies()).some((p) => p.name === 'payment' && p.toxics.length > 0), { timeoutMs: 60_000, intervalMs: 200 });
    child.kill('SIGINT');
    expect(await exited).toBe(2);
    expect(out).toMatch(/interrupted \(Ctrl-C\)/);
    expect((await lab.toxiproxy.proxies()).find((p) => p.name === 'payment')!.toxics).toEqual([]);
  }, 120_000);
});
