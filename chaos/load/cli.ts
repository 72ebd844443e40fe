// npm run load -- <scenario> [--duration 30] [--connections 16] [--rate 200] [--target http://127.0.0.1:8080]
import '../quiet-kafkajs.ts';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { labEnv, labUrl, projectRoot } from '../../infra/lab/compose.ts';
import { formatSummary, runLoad } from './run.ts';
import { recordOverride, saveBaseline, takeBaseline } from '../audit/baseline.ts';
import { SCENARIOS } from './scenarios.ts';

const usage = `usage: npm run load -- <${Object.keys(SCENARIOS).join('|')}> [--duration s] [--connections n] [--rate req/s] [--target url] [--no-edge-cache]`;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { duration: { type: 'string', default: '30' }, connections: { type: 'string', default: '16' }, rate: { type: 'string' }, target: { type: 'string' }, 'no-edge-cache': { type: 'boolean', default: false } },
});
const problems: string[] = [];
const scenario = positionals[0];
if (!scenario || !SCENARIOS[scenario]) problems.push(`scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got ${JSON.stringify(scenario ?? '')}`);
const num = (name: string, v: string | undefined, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) problems.push(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
};
const duration = num('duration', values.duration, 1, 86_400);
const connections = num('connections', values.connections, 1, 1_000);
const rate = values.rate === undefined ? undefined : num('rate', values.rate, 1, 100_000);
const env = labEnv();
const target = values.target ?? labUrl('edge');
// Load goes only to the lab: a loopback address (its published edge) or, from inside the lab, its edge.
if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(target) && target !== labUrl('edge')) problems.push(`--target must be a loopback address (the lab's published edge), got ${target}`);
if (problems.length) { console.error(`${problems.join('\n')}\n${usage}`); process.exit(2); }

const ac = new AbortController();
process.once('SIGINT', () => { console.log('stopping (Ctrl-C)...'); ac.abort(); });
// Scenarios that buy keep a baseline beside their ledger, for `npm run audit`.
const baseline = SCENARIOS[scenario!]!.writesLedger ? await takeBaseline() : undefined;
const result = await runLoad({
  scenario: scenario!, target, durationSeconds: duration, connections, ...(rate ? { rate } : {}), bypassEdgeCache: values['no-edge-cache'],
  reportDir: join(projectRoot, 'reports', 'load'), ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}), signal: ac.signal,
  ...(baseline ? { onStockSet: (id: string, units: number) => recordOverride(baseline, id, units) } : {}),
});
if (baseline && result.ledgerFile) saveBaseline(result.ledgerFile.replace(/\.ledger\.jsonl$/, '.baseline.json'), baseline);
console.log(`\n${formatSummary(result)}`);
if (result.ledgerFile) console.log(`audit it with: npm run audit -- ${result.ledgerFile}`);
process.exit(result.stock?.oversold.length ? 1 : 0);
