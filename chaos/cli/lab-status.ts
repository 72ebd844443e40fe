// npm run lab:status: health, Patroni role and memory of every container, then the autoscaler's state.
import type { ControllerState } from '@surge-lab/contracts/autoscaler';
import { type Lab, labReport, openLab } from '@surge-lab/lab';
import { main, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run lab:status --',
  summary: "Prints each container of the lab with its state, health, Patroni role and memory, then the autoscaler's policy state.",
  options: {},
  more: 'exit codes: 0 every container running and healthy, 1 otherwise',
} as const;

const mib = (b: number) => `${(b / 1024 ** 2).toFixed(1)} MiB`;

async function printController(lab: Lab): Promise<void> {
  let s: ControllerState;
  try {
    s = await lab.autoscaler.state<ControllerState>();
  } catch (err) {
    console.log(`\nautoscaler: not reachable (${(err as Error).message.split('\n')[0]})`);
    return;
  }
  console.log(
    `\nautoscaler: autoscaling ${s.autoscaling ? 'on' : 'off (observing)'}, schedule floors ${s.scheduleFloors ? 'on' : 'off'}, forecast floors ${s.forecastFloors ? 'on' : 'off'}, auto-recovery ${s.recovery ? 'on' : 'off'}; last evaluation ${s.lastTickAt ?? 'not yet'}${s.lastError ? `; last error: ${s.lastError}` : ''}`,
  );
  console.table(
    s.services.map((v) => ({
      service: v.service,
      replicas: `${v.configured} (${v.healthy} healthy)`,
      'min–max': `${v.policy.min}–${v.policy.max}`,
      desired: v.decision?.desired ?? '-',
      metric: `${v.metric.name} ${v.metric.perReplica === null ? 'no data' : v.metric.perReplica.toFixed(1)} / target ${v.metric.target}`,
      held: v.decision?.held ?? '',
      'last out': v.lastScaleOutAt?.slice(11, 19) ?? '',
      'last in': v.lastScaleInAt?.slice(11, 19) ?? '',
    })),
  );
  for (const v of s.services) if (v.decision) console.log(`  ${v.decision.reason}`);
  for (const w of s.schedule) console.log(`  schedule: ${w.entry}: ${w.minReplicas} ${w.service} replicas from ${w.replicasFrom} (surge at ${w.at})${w.active ? ' — active now' : ''}`);
  for (const e of s.events.slice(0, 5)) console.log(`  ${e.at} ${e.kind} ${e.target}: ${e.reason}`);
}

main(spec, async () => {
  parseCli(spec);
  const lab = openLab();
  const rows = (await labReport(lab)).sort((a, b) => a.name.localeCompare(b.name));
  if (rows.length === 0) {
    console.log('The lab is not running. Start it with: docker compose up -d --wait');
    return 0;
  }
  console.table(rows.map((r) => ({ container: r.name, state: r.state, health: r.health, role: r.role, memory: mib(r.memBytes), limit: mib(r.memLimitBytes) })));
  const total = rows.reduce((s, r) => s + r.memBytes, 0);
  console.log(`total memory in use: ${mib(total)} across ${rows.filter((r) => r.state === 'running').length} running containers`);
  await printController(lab);
  return rows.every((r) => r.state === 'running' && (r.health === '-' || r.health === 'healthy')) ? 0 : 1;
});
