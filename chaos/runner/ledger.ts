// The run's ledger of acknowledged orders (the monitors' purchases as they happen, the loads'
// when they end) and its audit against the stock taken before the method: nothing lost,
// oversold or done twice, or after a restore from backup, nothing lost before the archive cut-off.
import { readFileSync } from 'node:fs';
import type { LedgerEntry } from '../load/scenarios.ts';
import type { RunContext } from './context.ts';

function readLedger(file: string | undefined): LedgerEntry[] {
  if (!file) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerEntry);
}

/** The loads' ledgers into the run's; the loads into the journal, in method order. */
export function collectLoads(rc: RunContext): void {
  for (const l of rc.loads) for (const line of readLedger(l.ledgerFile)) rc.addToLedger(line);
  rc.loads.sort((a, b) => a.startedAt.localeCompare(b.startedAt)); // in method order, not in the order they ended
  rc.journal.load = rc.loads[0];
  if (rc.loads.length > 1) rc.journal.extraLoads = rc.loads.slice(1);
}

/** The loss window a region fault reported (`loss window from` / `to`, ISO times). */
function lossWindow(m: Record<string, number | string>): { from: string; to: string } | undefined {
  const [from, to] = [m['loss window from'], m['loss window to']];
  return typeof from === 'string' && typeof to === 'string' ? { from, to } : undefined;
}

/** The audit of the ledger, when the experiment took a baseline; a failed check is a failure of the run. */
export async function auditLedger(rc: RunContext): Promise<void> {
  const { exp, journal, baseline } = rc;
  if (!baseline) return;
  rc.event('audit', `auditing ${rc.ledger.length} acknowledged order(s)`);
  const restoredUpTo = exp.audit !== false && exp.audit['after-restore'] ? journal.measurements['archive cut-off'] : undefined;
  if (exp.audit !== false && exp.audit['after-restore'] && typeof restoredUpTo !== 'string') rc.failures.push('audit: the experiment restores from backup but no fault reported an archive cut-off');
  const regionLoss = exp.audit !== false && exp.audit['after-region-loss'] ? lossWindow(journal.measurements) : undefined;
  if (exp.audit !== false && exp.audit['after-region-loss'] && !regionLoss) rc.failures.push('audit: the experiment loses a region but no fault reported its loss window');
  journal.audit = await rc.deps.audit(rc.ledger, baseline, {
    settleSeconds: exp.audit === false ? 0 : exp.audit['settle-seconds'],
    log: (l) => rc.event('audit', l.replace(/^\[audit\] /, '')),
    ...(typeof restoredUpTo === 'string' ? { restoredUpTo } : {}),
    ...(regionLoss ? { regionLoss } : {}),
  });
  // The RPO seen: the acknowledged writes lost, from the oldest to the loss, or to the last one a cut-off
  // region acknowledged after it (0 when nothing was lost).
  const lost = journal.audit.lostWithRegion;
  if (lost && regionLoss) {
    const at = Date.parse(String(journal.measurements['region lost at']));
    const acks = lost.map((l) => Date.parse(l.acknowledgedAt));
    journal.measurements['orders lost with the region'] = lost.length;
    journal.measurements['RPO (s)'] = lost.length ? Number(((Math.max(at, ...acks) - Math.min(...acks)) / 1000).toFixed(1)) : 0;
  }
  for (const c of journal.audit.checks) rc.event('audit', `${c.ok ? '✔' : '✘'} ${c.name}: checked ${c.checked}, failed ${c.failed}${c.note ? ` (${c.note})` : ''}`);
  if (!journal.audit.ok)
    rc.failures.push(
      `audit: ${journal.audit.checks
        .filter((c) => !c.ok)
        .map((c) => c.name)
        .join('; ')}`,
    );
}
