// Faults on dependency links through Toxiproxy: latency with jitter, a bandwidth cap, a
// blackhole (timeout), connection resets and a link that is down. Each is one toxic (or the
// proxy disabled) that the revert removes; `resetAll` removes every toxic and enables every link.
import type { LinkName, ToxicType } from '@surge-lab/lab';
import { type ActiveFault, activeFault, type FaultContext } from './types.ts';

async function toxic(ctx: FaultContext, link: LinkName, type: ToxicType, attributes: Record<string, number>, description: string): Promise<ActiveFault> {
  const tp = ctx.lab.toxiproxy;
  const name = await tp.addToxic(link, type, attributes);
  return activeFault({ name: `${description} on ${link}`, kind: `link-${type.replace('_', '-')}`, target: link }, ctx, () => tp.removeToxic(link, name));
}

export const latency = (ctx: FaultContext, link: LinkName, ms: number, jitterMs = 0) =>
  toxic(ctx, link, 'latency', { latency: ms, jitter: jitterMs }, `${ms} ms${jitterMs ? ` ± ${jitterMs} ms` : ''} latency`);

export const bandwidth = (ctx: FaultContext, link: LinkName, kbPerSecond: number) => toxic(ctx, link, 'bandwidth', { rate: kbPerSecond }, `bandwidth capped at ${kbPerSecond} KB/s`);

/** Data stops flowing; the connection is closed after `ms` (0: held open forever, a blackhole). */
export const timeout = (ctx: FaultContext, link: LinkName, ms = 0) => toxic(ctx, link, 'timeout', { timeout: ms }, ms ? `timeout after ${ms} ms` : 'blackhole');

/** Connections are reset (TCP RST) after `ms`. */
export const resetPeer = (ctx: FaultContext, link: LinkName, ms = 0) => toxic(ctx, link, 'reset_peer', { timeout: ms }, `connection reset after ${ms} ms`);

/** The link is cut: connections are refused and open ones closed. */
export async function down(ctx: FaultContext, link: LinkName): Promise<ActiveFault> {
  await ctx.lab.toxiproxy.setEnabled(link, false);
  return activeFault({ name: `${link} link down`, kind: 'link-down', target: link }, ctx, () => ctx.lab.toxiproxy.setEnabled(link, true));
}

/** Removes every toxic and enables every link. */
export async function resetAll(ctx: FaultContext): Promise<void> {
  await ctx.lab.toxiproxy.reset();
  ctx.log('[fault] toxiproxy reset: every toxic removed, every link enabled');
}
