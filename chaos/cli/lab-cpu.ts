// npm run lab:cpu: what the running lab costs in CPU, measured over a window (the kernel's
// accounting: every container's cgroup plus the engine's processes).
import { cpuBetween, openLab, sampleCpu, sleep } from '@surge-lab/lab';
import { main, numberFlag, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run lab:cpu --',
  summary:
    "Measures the lab's CPU over a window: every container's cgroup (v1 or v2) plus the Docker engine's processes (dockerd, containerd, the shims, docker-proxy), and the whole machine's busy time beside it (which also holds runc, started for every healthcheck, and the kernel's threads). With nothing else running it is the idle cost; during a load, divide by the operations completed.",
  options: {
    seconds: { type: 'string', default: '30', help: 'length of the window' },
    top: { type: 'string', default: '8', help: 'containers listed, the busiest first' },
  },
  more: 'exit codes: 0, 1 when the cgroups cannot be read, 64 a bad command line',
} as const;

main(spec, async () => {
  const { values } = parseCli(spec);
  const seconds = numberFlag('seconds', values.seconds, 1, 3_600);
  const top = numberFlag('top', values.top, 0, 100);
  const lab = openLab();
  const containers = await lab.runtime.containers();
  const ids = containers.map((c) => c.id);
  const before = sampleCpu(ids);
  await sleep(seconds * 1_000);
  const u = cpuBetween(before, sampleCpu(ids));
  const name = new Map(containers.map((c) => [c.id, c.name]));
  const perS = (ms: number) => `${(ms / u.seconds).toFixed(1).padStart(7)} ms/s`;
  console.log(`lab CPU over ${u.seconds.toFixed(1)} s: ${perS(u.totalMs)} (1000 ms/s = one core), ${containers.length} containers`);
  if (u.machineMsPerSecond !== undefined)
    console.log(`  the machine, busy: ${u.machineMsPerSecond.toFixed(1)} ms/s (the lab plus runc for each healthcheck, the kernel's threads and anything else running)`);
  console.log(`  engine (dockerd, containerd, shims, docker-proxy) ${perS(u.engineMs)}`);
  for (const [id, ms] of Object.entries(u.containersMs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    console.log(`  ${(name.get(id) ?? id).padEnd(46)} ${perS(ms)}`);
  return 0;
});
