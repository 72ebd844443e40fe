// npm run audit -- [ledger.jsonl ...]: checks the ledger of a load run (the newest one when none
// is named) against the live system. Exit 0 when every check passes, 1 otherwise.
import '../quiet-kafkajs.ts';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../infra/lab/compose.ts';
import type { LedgerEntry } from '../load/scenarios.ts';
import { audit, formatAudit } from './audit.ts';
import { loadBaseline } from './baseline.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { settle: { type: 'string', default: '120' } } });
const dir = join(projectRoot, 'reports', 'load');
const newest = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ledger.jsonl')).map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0] : undefined);
const files = positionals.length ? positionals : [newest()].filter((f): f is string => !!f);
if (files.length === 0) {
  console.error('no ledger: run a scenario that buys first (npm run load -- journey), or name a ledger file');
  process.exit(2);
}
const settle = Number(values.settle);
if (!Number.isFinite(settle) || settle < 0) { console.error(`--settle must be seconds, got ${values.settle}`); process.exit(2); }

let failed = false;
for (const file of files) {
  const baselineFile = file.replace(/\.ledger\.jsonl$/, '.baseline.json');
  if (!existsSync(baselineFile)) { console.error(`${file}: no baseline beside it (${baselineFile}); only ledgers written by npm run load or a game day can be audited`); failed = true; continue; }
  const ledger = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LedgerEntry);
  console.log(`auditing ${file} (${ledger.length} acknowledged orders)`);
  const report = await audit(ledger, loadBaseline(baselineFile), { settleSeconds: settle, log: (l) => console.log(l) });
  console.log(formatAudit(report));
  failed ||= !report.ok;
}
process.exit(failed ? 1 : 0);
