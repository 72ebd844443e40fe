// Resource faults: a CPU squeeze (`docker update --cpus`) and a memory hog inside a container.
// Both are undone on revert: the CPU quota goes back to what it was, the hog is killed.
import { type Pick, targets } from './containers.ts';
import { type ActiveFault, activeFault, type FaultContext } from './types.ts';

export async function cpuSqueeze(ctx: FaultContext, service: string, pick: Pick, cpus: number): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  const before = new Map<string, number>();
  const rt = ctx.lab.runtime;
  for (const c of cs) before.set(c.name, (await rt.detail(c.name)).cpus);
  for (const c of cs) await rt.setCpus(c.name, cpus);
  const target = cs.length === 1 ? cs[0]!.name : `${service} (${cs.length} replicas)`;
  // `docker update --cpus 0` leaves the limit as it is (0 reads as "unchanged"): a container that had
  // no limit gets all of the host's CPUs back instead, which limits nothing.
  const hostCpus = await rt.hostCpus();
  return activeFault({ name: `${target} squeezed to ${cpus} CPU`, kind: 'cpu-squeeze', target }, ctx, async () => {
    for (const [name, limit] of before)
      await rt.setCpus(name, limit || hostCpus).catch((err: Error) => {
        if (!/No such container|is not running/.test(err.message)) throw err;
      });
  });
}

/**
 * Holds `mb` MiB of memory inside the container: `tail` keeps a line that has no end, fed from
 * /dev/zero, until its input closes (coreutils only, so it works in every image of the lab).
 * The `sleep` that keeps the input open carries a unique argument so the revert finds it in /proc.
 */
export async function memoryHog(ctx: FaultContext, service: string, pick: Pick, mb: number): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  const marker = `86400.${Math.floor(Math.random() * 1e6)}`;
  const script = `{ head -c ${mb}M /dev/zero; exec sleep ${marker}; } | tail >/dev/null`;
  for (const c of cs) await ctx.lab.runtime.exec(c.name, ['sh', '-c', script], { detached: true });
  const target = cs.length === 1 ? cs[0]!.name : `${service} (${cs.length} replicas)`;
  const killSleep = `for d in /proc/[0-9]*; do [ "$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)" = "sleep ${marker} " ] && kill \${d#/proc/}; done; true`;
  return activeFault({ name: `${mb} MiB memory hog in ${target}`, kind: 'memory-hog', target }, ctx, async () => {
    // Ending the sleep closes tail's input; tail then exits and frees the memory.
    for (const c of cs) await ctx.lab.runtime.exec(c.name, ['sh', '-c', killSleep]).catch(() => {});
  });
}
