// Experiment steps that drive the lab's controller (the autoscaler service) rather than break
// something: switch autoscaling or auto-recovery on or off for a while, and announce a surge on
// the schedule; and one that does break it: the autoscaler stopped. All are undone on revert,
// like every fault.
import { bringBack, targets } from './containers.ts';
import { activeFault, type ActiveFault, type FaultContext } from './types.ts';

export async function setModes(ctx: FaultContext, want: { autoscaling?: boolean; recovery?: boolean }): Promise<ActiveFault> {
  const before = await ctx.lab.autoscaler.state();
  await ctx.lab.autoscaler.setModes(want);
  const words = Object.entries(want).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`).join(', ');
  return activeFault({ name: `controller: ${words}`, kind: 'controller-mode', target: 'controller' }, ctx, async () => {
    await ctx.lab.autoscaler.setModes({ autoscaling: before.autoscaling, recovery: before.recovery });
  });
}

/** A one-off schedule entry: `minReplicas` of `service` from `leadSeconds` before now + `inSeconds`. */
export async function scheduledSurge(ctx: FaultContext, a: { service: string; inSeconds: number; leadSeconds: number; durationSeconds: number; minReplicas: number }): Promise<ActiveFault> {
  const at = new Date(Date.now() + a.inSeconds * 1_000);
  const name = `surge-${at.toISOString()}`;
  await ctx.lab.autoscaler.addScheduleEntry({ name, service: a.service, at: at.toISOString().replace(/\.\d+Z$/, 'Z'), 'lead-seconds': a.leadSeconds, 'duration-seconds': a.durationSeconds, 'min-replicas': a.minReplicas });
  ctx.log(`[fault] scheduled: ${a.minReplicas} ${a.service} replicas from ${new Date(at.getTime() - a.leadSeconds * 1_000).toISOString()}, surge at ${at.toISOString()}`);
  return activeFault({ name: `scheduled surge of ${a.service} at ${at.toISOString()}`, kind: 'scheduled-surge', target: a.service }, ctx, async () => {
    await ctx.lab.autoscaler.removeScheduleEntry(name).catch((err: Error) => { if (!/404/.test(err.message)) throw err; });
  });
}

/**
 * The control plane down: the autoscaler stopped gracefully (SIGTERM: it finishes a scale-in under
 * way, then exits). The shop is meant to go on at its current size. Reverted by starting it and
 * waiting until it is healthy.
 */
export async function autoscalerDown(ctx: FaultContext, graceSeconds: number): Promise<ActiveFault> {
  const names = (await targets(ctx, 'autoscaler', 'all')).map((c) => c.name);
  await ctx.lab.runtime.stop(names, graceSeconds);
  return activeFault({ name: 'autoscaler down', kind: 'autoscaler-down', target: 'autoscaler' }, ctx, () => bringBack(names, ctx));
}
