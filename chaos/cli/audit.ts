// npm run audit -- [ledger.jsonl ...]: checks the ledger of a load run (the newest one when none
// is named) against the live system. Exit 0 when every check passes, 1 otherwise.
import '../quiet-kafkajs.ts';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { audit, formatAudit, loadBaseline } from '@surge-lab/chaos/audit';
import type { LedgerEntry } from '@surge-lab/chaos/load';
import { openLab } from '@surge-lab/lab';
import { main, numberFlag, parseCli, UsageError } from './support/cli.ts';

const spec = {
  command: 'npm run audit --',
  args: '[reports/load/<run>.ledger.jsonl ...]',
  summary:
    "Checks a run's ledger of acknowledged checkouts against the live system: every order there with its lines, one order per idempotency key, one event and one fulfilment per order, stock consistent and never negative. Without a file: the newest ledger.",
  options: { settle: { type: 'string', default: '120', help: 'seconds to wait for outboxes and fulfilment to catch up first' } },
  more: 'exit codes: 0 every check passes, 1 a check failed, 64 a bad command line',
} as const;

main(spec, async () => {
  const { values, positionals } = parseCli(spec);
  const settle = numberFlag('settle', values.settle, 0, 3_600);
  const lab = openLab();
  const dir = join(lab.root, 'reports', 'load');
  const newest = () =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.ledger.jsonl'))
          .map((f) => join(dir, f))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]
      : undefined;
  const files = positionals.length ? positionals : [newest()].filter((f): f is string => !!f);
  if (files.length === 0) throw new UsageError('no ledger: run a scenario that buys first (npm run load -- journey), or name a ledger file');
  let failed = false;
  for (const file of files) {
    const baselineFile = file.replace(/\.ledger\.jsonl$/, '.baseline.json');
    if (!existsSync(baselineFile)) {
      console.error(`${file}: no baseline beside it (${baselineFile}); only ledgers written by npm run load or a game day can be audited`);
      failed = true;
      continue;
    }
    const ledger = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LedgerEntry);
    console.log(`auditing ${file} (${ledger.length} acknowledged orders)`);
    const report = await audit(lab, ledger, loadBaseline(baselineFile), { settleSeconds: settle, log: (l) => console.log(l) });
    console.log(formatAudit(report));
    failed ||= !report.ok;
  }
  return failed ? 1 : 0;
});
