// npm run region: the two regions of the multi-region lab (docker compose --profile multi-region):
// which is primary, how far the other is behind, a planned switchover, cross-region synchronous
// commits on or off. Bad input names the problem and changes nothing.
import { isRegionName, openLab, REGION_NAMES, RegionRefusal, type RegionsReport, regionsReport, setCrossRegionSync, switchoverTo } from '@surge-lab/lab';
import { main, numberFlag, parseCli, UsageError } from './support/cli.ts';

const ACTIONS = ['status', 'switchover', 'sync'] as const;
type Action = (typeof ACTIONS)[number];

const spec = {
  command: 'npm run region --',
  args: 'status | switchover <a|b> | sync <on|off>',
  summary:
    'The regions of the multi-region lab. status: the role of each region, its members and how far it is behind (bytes and seconds of WAL). switchover <region>: makes that region primary with no acknowledged commit lost (commits first wait for it, then Patroni switches over to a member that has them all; Redis follows); refused while that region is further behind than --max-lag-mb. sync on|off: commits also wait for a member of the other region (RPO 0 when a region is lost, a WAN round trip per commit) or not (the default).',
  options: {
    json: { type: 'boolean', help: 'print the report as JSON' },
    'max-lag-mb': { type: 'string', default: '16', help: 'switchover: refuse when the target region is further behind than this' },
  },
  more: 'exit codes: 0 done, 1 refused or failed (nothing half-done: the message says where it stopped), 64 a bad command line',
} as const;

/** The command line as an action and its argument, or a UsageError naming what is wrong. */
function parseRegionArgs(positionals: readonly string[]): { action: Action; arg?: string } {
  const [action, arg, ...rest] = positionals;
  if (action === undefined) return { action: 'status' };
  if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}: one of ${ACTIONS.join(', ')}`);
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  if (action === 'status') {
    if (arg !== undefined) throw new UsageError(`status takes no argument, got ${JSON.stringify(arg)}`);
    return { action };
  }
  if (action === 'switchover') {
    if (arg === undefined || !isRegionName(arg)) throw new UsageError(`switchover needs a region, one of ${REGION_NAMES.join(', ')}; got ${JSON.stringify(arg ?? '')}`);
    return { action, arg };
  }
  if (arg !== 'on' && arg !== 'off') throw new UsageError(`sync needs on or off, got ${JSON.stringify(arg ?? '')}`);
  return { action: action as Action, arg };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

function formatRegions(r: RegionsReport): string {
  const lines = [`primary region: ${r.primary ?? 'none'}${r.leader ? ` (leader ${r.leader})` : ''}; cross-region synchronous commits: ${r.crossRegionSync ? 'on' : 'off'}`];
  for (const g of r.regions) {
    lines.push(`region ${g.region}: ${g.role}${g.role === 'replica' ? `, ${mb(g.lag.bytes)} / ${g.lag.seconds.toFixed(2)} s behind` : ''}`);
    for (const m of g.members)
      lines.push(`  ${m.name.padEnd(6)} ${m.role.padEnd(12)} ${m.state.padEnd(11)}${m.nosync ? ' nosync' : ''}${m.lag ? `  ${mb(m.lag.bytes)} / ${m.lag.seconds.toFixed(2)} s` : ''}`);
  }
  return lines.join('\n');
}

main(spec, async () => {
  const { values, positionals } = parseCli(spec);
  const { action, arg } = parseRegionArgs(positionals);
  const maxLagBytes = numberFlag('max-lag-mb', values['max-lag-mb'], 0, 10_000) * 1024 * 1024;
  const lab = openLab();
  const deps = { runtime: lab.runtime, patroni: lab.patroni };
  const log = (l: string) => console.log(`[region] ${l}`);
  try {
    if (action === 'switchover') {
      const r = await switchoverTo(deps, arg as 'a' | 'b', { maxLagBytes, log });
      console.log(
        values.json
          ? JSON.stringify(r)
          : `region ${r.to} is primary (leader ${r.newLeader}); commits waited for it ${(r.syncWaitMs / 1000).toFixed(1)} s, then writes paused ${(r.writesPausedMs / 1000).toFixed(1)} s; ${(r.totalMs / 1000).toFixed(1)} s in all`,
      );
      return 0;
    }
    const report = action === 'sync' ? await setCrossRegionSync(deps, arg === 'on', log) : await regionsReport(deps);
    console.log(values.json ? JSON.stringify(report) : formatRegions(report));
    return 0;
  } catch (err) {
    if (err instanceof RegionRefusal) {
      console.error(`npm run region: refused: ${err.message}`);
      return 1;
    }
    throw err;
  }
});
