// Lab CPU per operation: the lab's CPU (every container's cgroup plus the engine's processes,
// services/lab cpu-meter) during a fixed-rate load, minus what it spends idle over the same
// time, divided by the operations completed. The load generator runs on the host and is not
// counted.
import { cpuBetween, type Lab, sampleCpu, sleep } from '@surge-lab/lab';

const NOISE_MS_PER_SECOND = 30;

export interface CostFigure {
  /** The lab's CPU while the load ran, ms per second of wall time. */
  busyMsPerSecond: number;
  idleMsPerSecond: number;
  operations: number;
  /** (busy − idle) × seconds / operations; NaN when busy − idle is within the idle rate's noise. */
  msPerOperation: number;
  /** The containers that spent most above idle, ms per operation. */
  top: { name: string; msPerOperation: number }[];
}

export interface LabMeter {
  idleMsPerSecond: number;
  /** The whole machine's busy time over the idle window: the lab plus runc per healthcheck and the kernel. */
  machineIdleMsPerSecond?: number;
  /** Runs `load` and charges the lab's CPU above idle to the operations it reports. */
  measure(load: () => Promise<number>): Promise<CostFigure>;
}

/** Measures the idle rate over `idleSeconds` (nothing else may run), per container too. */
export async function labMeter(lab: Lab, idleSeconds: number): Promise<LabMeter> {
  const containers = (await lab.runtime.containers()).filter((c) => c.state === 'running');
  const ids = containers.map((c) => c.id);
  const name = new Map(containers.map((c) => [c.id, c.name]));
  const start = sampleCpu(ids);
  await sleep(idleSeconds * 1_000);
  const idle = cpuBetween(start, sampleCpu(ids));
  const idlePerS = (id: string) => (idle.containersMs[id] ?? 0) / idle.seconds;
  return {
    idleMsPerSecond: idle.msPerSecond,
    ...(idle.machineMsPerSecond !== undefined ? { machineIdleMsPerSecond: idle.machineMsPerSecond } : {}),
    async measure(load) {
      const before = sampleCpu(ids);
      const operations = await load();
      const u = cpuBetween(before, sampleCpu(ids));
      const above = (ms: number, idleRate: number) => Math.max(0, ms - idleRate * u.seconds);
      const per = (ms: number) => (operations > 0 ? ms / operations : Number.NaN);
      // The idle rate wanders by tens of ms/s (checkpoints, Patroni's loop, healthchecks): a load
      // that costs less than that above it is not measured, not free.
      const signal = u.msPerSecond - idle.msPerSecond;
      return {
        busyMsPerSecond: u.msPerSecond,
        idleMsPerSecond: idle.msPerSecond,
        operations,
        msPerOperation: signal > NOISE_MS_PER_SECOND ? per(above(u.totalMs, idle.msPerSecond)) : Number.NaN,
        top: [
          { name: 'engine', msPerOperation: per(above(u.engineMs, idle.engineMs / idle.seconds)) },
          ...Object.entries(u.containersMs).map(([id, ms]) => ({ name: name.get(id) ?? id, msPerOperation: per(above(ms, idlePerS(id))) })),
        ]
          .sort((a, b) => b.msPerOperation - a.msPerOperation)
          .slice(0, 6),
      };
    },
  };
}
