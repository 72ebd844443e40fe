// Container faults by compose service name: SIGKILL, stop, pause, restart and a restart loop,
// on one replica, a random one, or all. A killed or stopped container stays down until the
// fault is reverted (as an orchestrator would bring it back), then it is started and awaited.
import { docker, ps, type ContainerState } from '../../infra/lab/compose.ts';
import { waitFor } from '../../infra/lab/wait.ts';
import { activeFault, type ActiveFault, type FaultContext } from './types.ts';

export type Pick = 'one' | 'random' | 'all' | number;

/** The running containers of `service` chosen by `pick` ("one" is the first by name; a number is the replica index, 1-based). */
export async function targets(service: string, pick: Pick): Promise<ContainerState[]> {
  const all = await ps({ all: true });
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
  for (const name of names) {
    const state = JSON.parse((await docker(['inspect', '--format', '{{json .State}}', name])).stdout) as { Status: string; Paused: boolean };
    if (state.Paused) await docker(['unpause', name]);
    else if (state.Status !== 'running') await docker(['start', name]);
  }
  await Promise.all(names.map((name) => waitHealthy(name, timeoutMs)));
  ctx.log(`[fault] back and healthy: ${names.join(', ')}`);
}

/** Starts every container of the lab that is stopped or paused and waits until each is healthy; returns their names. */
export async function bringBackAll(ctx: FaultContext, timeoutMs = 180_000): Promise<string[]> {
  const down = (await ps({ all: true })).filter((c) => c.state !== 'running').map((c) => c.name);
  if (down.length) await bringBack(down, ctx, timeoutMs);
  return down;
}

export async function waitHealthy(name: string, timeoutMs = 180_000): Promise<void> {
  await waitFor(`${name} running and healthy`, async () => {
    const { stdout } = await docker(['inspect', '--format', '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', name]);
    const [status, health] = stdout.trim().split(' ');
    return status === 'running' && (health === 'healthy' || health === 'none');
  }, { timeoutMs, intervalMs: 500 });
}

const label = (service: string, cs: ContainerState[]) => (cs.length === 1 ? cs[0]!.name : `${service} (${cs.length} replicas)`);

export async function kill(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(service, pick);
  await docker(['kill', '--signal', 'KILL', ...cs.map((c) => c.name)]);
  return activeFault({ name: `kill ${label(service, cs)}`, kind: 'container-kill', target: label(service, cs) }, ctx, () => bringBack(cs.map((c) => c.name), ctx));
}

export async function stop(ctx: FaultContext, service: string, pick: Pick = 'one', graceSeconds = 10): Promise<ActiveFault> {
  const cs = await targets(service, pick);
  await docker(['stop', '--time', String(graceSeconds), ...cs.map((c) => c.name)]);
  return activeFault({ name: `stop ${label(service, cs)}`, kind: 'container-stop', target: label(service, cs) }, ctx, () => bringBack(cs.map((c) => c.name), ctx));
}

export async function pause(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(service, pick);
  await docker(['pause', ...cs.map((c) => c.name)]);
  return activeFault({ name: `pause ${label(service, cs)}`, kind: 'container-pause', target: label(service, cs) }, ctx, () => bringBack(cs.map((c) => c.name), ctx));
}

/**
 * A hung process: SIGSTOP of the container's main process, sent by Docker from outside (a
 * process cannot stop its namespace's init from inside). The container still runs and its port
 * still accepts connections, but nothing answers and the healthcheck fails: what a deadlock or a
 * stuck event loop looks like. The revert sends SIGCONT (a restart in the meantime has already
 * replaced the process) and waits until the container is healthy.
 */
export async function freeze(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(service, pick);
  await docker(['kill', '--signal', 'STOP', ...cs.map((c) => c.name)]);
  return activeFault({ name: `freeze ${label(service, cs)}`, kind: 'process-freeze', target: label(service, cs) }, ctx, async () => {
    for (const c of cs) await docker(['kill', '--signal', 'CONT', c.name]).catch(() => {});
    await bringBack(cs.map((c) => c.name), ctx);
  });
}

/** `docker restart`: a graceful stop (SIGTERM, drain) and a start; reverted means "healthy again". */
export async function restart(ctx: FaultContext, service: string, pick: Pick = 'one'): Promise<ActiveFault> {
  const cs = await targets(service, pick);
  await docker(['restart', '--time', '10', ...cs.map((c) => c.name)]);
  return activeFault({ name: `restart ${label(service, cs)}`, kind: 'container-restart', target: label(service, cs) }, ctx, () => bringBack(cs.map((c) => c.name), ctx));
}

/** Kills the container every `everySeconds` (a crash loop) until reverted. */
export async function restartLoop(ctx: FaultContext, service: string, pick: Pick = 'one', everySeconds = 10): Promise<ActiveFault> {
  const cs = await targets(service, pick);
  const names = cs.map((c) => c.name);
  let stopped = false;
  let rounds = 0;
  const loop = (async () => {
    while (!stopped) {
      await docker(['kill', '--signal', 'KILL', ...names]).catch(() => {});
      rounds++;
      await new Promise((r) => setTimeout(r, 1_000));
      if (stopped) break;
      await docker(['start', ...names]).catch(() => {});
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
