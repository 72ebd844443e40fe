// Experiment steps that drive the lab's controller (in the console) rather than break something:
// switch autoscaling or auto-recovery on or off for a while, and announce a surge on the schedule.
// Both are undone on revert, like every fault.
import { activeFault, type ActiveFault, type FaultContext } from './types.ts';

interface Modes { autoscaling: boolean; recovery: boolean }

export async function setModes(ctx: FaultContext, want: Partial<Modes>): Promise<ActiveFault> {
  const before = await ctx.lab.console.call<Modes>('GET', '/scaling');
  await ctx.lab.console.call('PUT', '/scaling', want);
  const words = Object.entries(want).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`).join(', ');
  return activeFault({ name: `controller: ${words}`, kind: 'controller-mode', target: 'controller' }, ctx, async () => {
    await ctx.lab.console.call('PUT', '/scaling', { autoscaling: before.autoscaling, recovery: before.recovery });
  });
}

/** A one-off schedule entry: `minReplicas` of `service` from `leadSeconds` before now + `inSeconds`. */
export async function scheduledSurge(ctx: FaultContext, a: { service: string; inSeconds: number; leadSeconds: number; durationSeconds: number; minReplicas: number }): Promise<ActiveFault> {
  const at = new Date(Date.now() + a.inSeconds * 1_000);
  const name = `surge-${at.toISOString()}`;
  await ctx.lab.console.call('POST', '/scaling/schedule', { name, service: a.service, at: at.toISOString().replace(/\.\d+Z$/, 'Z'), 'lead-seconds': a.leadSeconds, 'duration-seconds': a.durationSeconds, 'min-replicas': a.minReplicas });
  ctx.log(`[fault] scheduled: ${a.minReplicas} ${a.service} replicas from ${new Date(at.getTime() - a.leadSeconds * 1_000).toISOString()}, surge at ${at.toISOString()}`);
  return activeFault({ name: `scheduled surge of ${a.service} at ${at.toISOString()}`, kind: 'scheduled-surge', target: a.service }, ctx, async () => {
    await ctx.lab.console.call('DELETE', `/scaling/schedule/${encodeURIComponent(name)}`).catch((err: Error) => { if (!/404/.test(err.message)) throw err; });
  });
}
