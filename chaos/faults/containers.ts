// Container faults by compose service name: SIGKILL, stop, pause, restart and a restart loop,
// on one replica, a random one, or all. A killed or stopped container stays down until the
// fault is reverted (as an orchestrator would bring it back), then it is started and awaited.
import type { Container } from '@surge-lab/lab';
import { type ActiveFault, activeFault, type FaultContext } from './types.ts';

export type Pick = 'one' | 'random' | 'all' | number;

/** The running containers of `service` chosen by `pick` ("one" is the first by name; a number is the replica index, 1-based). */
export async function targets(ctx: FaultContext, service: string, pick: Pick): Promise<Container[]> {
  const all = await ctx.lab.runtime.containers({ all: true });
  const ofService = all.filter((c) => c.service === service);
  if (ofService.length === 0) throw new Error(`no container of service "${service}" (services: ${[...new Set(all.map((c) => c.service))].sort().join(', ')})`);
  const running = ofService.filter((c) => c.state === 'running').sort((a, b) => a.name.localeCompare(b.name));
  if (running.length === 0) throw new Error(`no running container of service "${service}"`);
  if (pick === 'all') return running;
  if (pick === 'one') return [running[0]!];
  if (pick === 'random') return [running[Math.floor(Math.random() * running.length)]!];
  const byIndex = running.find((c) => c.number === pick);
  if (!byIndex) throw new Error(`service "${service}" has no running replica ${pick} (running: ${running.map((c) => c.name).join(', ')})`);
  return [byIndex];
}

/** Starts (or unpauses) containers and waits until each is running and, if it has a healthcheck, healthy. */
export async function bringBack(names: string[], ctx: FaultContext, timeoutMs = 180_000): Promise<void> {
  const rt = ctx.lab.runtime;
  for (const name of names) {
    const d = await rt.detail(name);
    if (d.paused) await rt.unpause([name]);
    else if (d.status !== 'running') await rt.start([name]);
  }
  await Promise.all(names.map((name) => rt.waitHealthy(name, timeoutMs)));
  ctx.log(`[fault] back and healthy: ${names.join(', ')}`);
}

/** Starts every container of the lab that is stopped or paused and waits until each is healthy; returns their names. */
export async function bringBackAll(ctx: FaultContext, timeoutMs = 180_000): Promise<string[]> {
  const down = (await ctx.lab.runtime.containers({ all: true })).filter((c) => c.state !== 'running').map((c) => c.name);
  if (down.length) await bringBack(down, ctx, timeoutMs);
  return down;
}

const label = (service: string, cs: Container[]) => (cs.length === 1 ? cs[0]!.name : `${service} (${cs.length} replicas)`);

export async function kill(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  await ctx.lab.runtime.signal(
    cs.map((c) => c.name),
    'KILL',
  );
  return activeFault({ name: `kill ${label(service, cs)}`, kind: 'container-kill', target: label(service, cs) }, ctx, () =>
    bringBack(
      cs.map((c) => c.name),
      ctx,
    ),
  );
}

export async function stop(ctx: FaultContext, service: string, pick: Pick = 'one', graceSeconds = 10): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  await ctx.lab.runtime.stop(
    cs.map((c) => c.name),
    graceSeconds,
  );
  return activeFault({ name: `stop ${label(service, cs)}`, kind: 'container-stop', target: label(service, cs) }, ctx, () =>
    bringBack(
      cs.map((c) => c.name),
      ctx,
    ),
  );
}

export async function pause(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  await ctx.lab.runtime.pause(cs.map((c) => c.name));
  return activeFault({ name: `pause ${label(service, cs)}`, kind: 'container-pause', target: label(service, cs) }, ctx, () =>
    bringBack(
      cs.map((c) => c.name),
      ctx,
    ),
  );
}

/**
 * A hung process: SIGSTOP of the container's main process, sent by Docker from outside (a
 * process cannot stop its namespace's init from inside). The container still runs and its port
 * still accepts connections, but nothing answers and the healthcheck fails: what a deadlock or a
 * stuck event loop looks like. The revert sends SIGCONT (a restart in the meantime has already
 * replaced the process) and waits until the container is healthy.
 */
export async function freeze(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  await ctx.lab.runtime.signal(
    cs.map((c) => c.name),
    'STOP',
  );
  return activeFault({ name: `freeze ${label(service, cs)}`, kind: 'process-freeze', target: label(service, cs) }, ctx, async () => {
    for (const c of cs) await ctx.lab.runtime.signal([c.name], 'CONT').catch(() => {});
    await bringBack(
      cs.map((c) => c.name),
      ctx,
    );
  });
}

/** `docker restart`: a graceful stop (SIGTERM, drain) and a start; reverted means "healthy again". */
export async function restart(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  await ctx.lab.runtime.restart(
    cs.map((c) => c.name),
    10,
  );
  return activeFault({ name: `restart ${label(service, cs)}`, kind: 'container-restart', target: label(service, cs) }, ctx, () =>
    bringBack(
      cs.map((c) => c.name),
      ctx,
    ),
  );
}

/** Kills the container every `everySeconds` (a crash loop) until reverted. */
export async function restartLoop(ctx: FaultContext, service: string, pick: Pick = 'one', everySeconds = 10): Promise<ActiveFault> {
  const cs = await targets(ctx, service, pick);
  const names = cs.map((c) => c.name);
  let stopped = false;
  let rounds = 0;
  const loop = (async () => {
    while (!stopped) {
      await ctx.lab.runtime.signal(names, 'KILL').catch(() => {});
      rounds++;
      await new Promise((r) => setTimeout(r, 1_000));
      if (stopped) break;
      await ctx.lab.runtime.start(names).catch(() => {});
      await new Promise((r) => setTimeout(r, Math.max(0, everySeconds - 1) * 1_000));
    }
  })();
  return activeFault({ name: `restart loop of ${label(service, cs)} every ${everySeconds} s`, kind: 'container-restart-loop', target: label(service, cs) }, ctx, async () => {
    stopped = true;
    await loop;
    ctx.log(`[fault] restart loop ran ${rounds} round(s)`);
    await bringBack(names, ctx);
  });
}
