// The lab's controller (the autoscaler service) as a fault: stopped, so the shop must go on at
// its current size. (Switching its modes or scheduling a surge are runner steps: runner/autoscaler.ts.)
import { bringBack, targets } from './containers.ts';
import { type ActiveFault, activeFault, type FaultContext } from './types.ts';

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
