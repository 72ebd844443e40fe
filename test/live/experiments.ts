// The chaos experiments as the suites run them: CI runs the ones below against the lab once
// (test/live/chaos.test.ts); `npm run test:full` runs every other one (test/full/).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { labDeps, loadExperiment, type RunOutcome, runExperiment } from '@surge-lab/chaos/runner';
import { expect } from 'vitest';
import { lab } from './lab.ts';

/**
 * In CI, in this order: each experiment waits for the stop conditions the previous one may have
 * left firing, so the ones that cause no 5xx go first. replica-latency is the one whose reads fall
 * back (the Fallbacks panel); static-stability is issue #11's claim about the autoscaler;
 * dependency-brownout is issue #12's latency budgets.
 */
export const CI_EXPERIMENTS = ['kafka-outage', 'replica-kill', 'replica-latency', 'dependency-brownout', 'db-failover', 'redis-outage', 'unhealthy-recovery', 'static-stability'];

/** The region experiments CI runs, in the regions phase (the multi-region lab). */
export const CI_REGION_EXPERIMENTS = ['region-partition', 'region-outage'];

const dir = join(lab.root, 'chaos', 'experiments');
const named = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();
/** An experiment of the multi-region lab (tagged `regions`): it runs once region B is up. */
const needsRegions = (name: string) => loadExperiment(join(dir, `${name}.yaml`)).tags.includes('regions');
/** The experiments of the one-region lab. */
export const ALL_EXPERIMENTS = named.filter((n) => !needsRegions(n));
/** The experiments of the multi-region lab. */
export const REGION_EXPERIMENTS = named.filter(needsRegions);

/** Runs chaos/experiments/<name>.yaml against the lab; prints its verdict and figures. */
export async function runNamed(name: string, log: (l: string) => void): Promise<RunOutcome> {
  const file = join(dir, `${name}.yaml`);
  const exp = loadExperiment(file);
  const outcome = await runExperiment(exp, { file, reportDir: join(lab.root, 'reports', 'chaos'), deps: await labDeps(lab, log, exp['front-door']), log });
  const m = outcome.journal.measurements;
  console.log(
    `[chaos] ${name}: ${outcome.journal.status}; ${Object.entries(m)
      .map(([k, v]) => `${k} = ${v}`)
      .join('; ')}; journal ${outcome.journalFile}`,
  );
  return outcome;
}

/** A pass verdict: every probe held, every fault reverted, and (unless the file turns it off) an audit of real orders found nothing lost. */
export function expectPass(name: string, { journal, exitCode }: RunOutcome): void {
  // The failed probes with their details go into the assertion's own message, which is never
  // truncated: CI's summary keeps only that line, and "expected { status: 'fail', …(2) }" says nothing.
  const failed = journal.probes.filter((p) => !p.ok).map((p) => `${p.phase} ${p.name}: ${p.value}${p.detail ? ` (${p.detail})` : ''}`);
  expect(failed.length, `${name}: ${journal.verdict} Failed probes: ${failed.join('; ') || 'none'}`).toBe(0);
  expect(journal.status, `${name}: ${journal.verdict}`).toBe('pass');
  expect(exitCode).toBe(0);
  expect(journal.faults.every((f) => f.end)).toBe(true);
  if (loadExperiment(join(dir, `${name}.yaml`)).audit !== false) {
    const broken = (journal.audit?.checks ?? []).filter((c) => !c.ok).map((c) => `${c.name}: ${c.failed} of ${c.checked} (${c.examples.slice(0, 3).join('; ')})`);
    expect(broken.length, `${name}: the audit failed: ${broken.join('; ')}`).toBe(0);
    expect(journal.audit?.ok, `${name}: the audit ran`).toBe(true);
    expect(journal.audit?.ledgerOrders).toBeGreaterThan(10); // an audit of real orders, not of an empty ledger
  }
}
