// npm run load -- <scenario> [--duration s] [--connections n] [--rate req/s] [--target url] [--no-edge-cache]
import '../quiet-kafkajs.ts';
import { join } from 'node:path';
import { recordOverride, saveBaseline, takeBaseline } from '@surge-lab/chaos/audit';
import { formatSummary, runLoad, SCENARIOS } from '@surge-lab/chaos/load';
import { openLab } from '@surge-lab/lab';
import { main, numberFlag, parseCli, UsageError } from './support/cli.ts';

const spec = {
  command: 'npm run load --',
  args: `<${Object.keys(SCENARIOS).join('|')}>`,
  summary: 'Pours load into the lab through its edge (autocannon). With --rate the load is an open model: requests go out on schedule and latency counts from the intended send time.',
  options: {
    duration: { type: 'string', default: '30', help: 'seconds' },
    connections: { type: 'string', default: '16', help: 'connections' },
    rate: { type: 'string', help: 'requests per second (open model); without it, closed-loop over --connections' },
    target: { type: 'string', help: 'the edge to load (a loopback address only)' },
    'no-edge-cache': { type: 'boolean', default: false, help: 'bypass the edge cache (X-Bypass-Edge-Cache: 1)' },
  },
  more: 'exit codes: 0 done, 1 stock oversold (flash-sale), 64 a bad command line',
} as const;

main(spec, async () => {
  const { values, positionals } = parseCli(spec);
  const scenario = positionals[0];
  if (!scenario || !SCENARIOS[scenario]) throw new UsageError(`scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got ${JSON.stringify(scenario ?? '')}`);
  const duration = numberFlag('duration', values.duration, 1, 86_400);
  const connections = numberFlag('connections', values.connections, 1, 1_000);
  const rate = values.rate === undefined ? undefined : numberFlag('rate', values.rate, 1, 100_000);
  const lab = openLab();
  const edge = lab.endpoints.url('edge');
  const target = values.target ?? edge;
  // Load goes only to the lab: a loopback address (its published edge) or, from inside the lab, its edge.
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(target) && target !== edge)
    throw new UsageError(`--target must be a loopback address (the lab's published edge), got ${target}`);

  const ac = new AbortController();
  process.once('SIGINT', () => {
    console.log('stopping (Ctrl-C)...');
    ac.abort();
  });
  // Scenarios that buy keep a baseline beside their ledger, for `npm run audit`.
  const baseline = SCENARIOS[scenario]!.writesLedger ? await takeBaseline(lab) : undefined;
  const result = await runLoad({
    scenario,
    target,
    durationSeconds: duration,
    connections,
    ...(rate ? { rate } : {}),
    bypassEdgeCache: values['no-edge-cache'],
    reportDir: join(lab.root, 'reports', 'load'),
    ...(lab.adminToken ? { adminToken: lab.adminToken } : {}),
    signal: ac.signal,
    ...(baseline ? { onStockSet: (id: string, units: number) => recordOverride(lab, baseline, id, units) } : {}),
  });
  if (baseline && result.ledgerFile) saveBaseline(result.ledgerFile.replace(/\.ledger\.jsonl$/, '.baseline.json'), baseline);
  console.log(`\n${formatSummary(result)}`);
  if (result.ledgerFile) console.log(`audit it with: npm run audit -- ${result.ledgerFile}`);
  return result.stock?.oversold.length ? 1 : 0;
});
