// Faults on dependency links through Toxiproxy: latency with jitter, a bandwidth cap, a
// blackhole (timeout), connection resets and a link that is down. Each is one toxic (or the
// proxy disabled) that the revert removes; `resetAll` removes every toxic and enables every link.
import { randomUUID } from 'node:crypto';
import { labUrl } from '../../infra/lab/compose.ts';
import { activeFault, type ActiveFault, type FaultContext } from './types.ts';

export const LINKS = ['pg-rw', 'pg-ro', 'redis', 'kafka', 'kafka-host', 'payment'] as const;
export type Link = (typeof LINKS)[number];

export const toxiproxyUrl = () => labUrl('toxiproxy');

async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${toxiproxyUrl()}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text.trim()}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface ProxyState { name: string; enabled: boolean; listen: string; upstream: string; toxics: { name: string; type: string; stream: string; attributes: Record<string, number> }[] }

export async function proxies(): Promise<ProxyState[]> {
  return Object.values(await call<Record<string, ProxyState>>('GET', '/proxies'));
}

type Stream = 'downstream' | 'upstream';

async function toxic(ctx: FaultContext, link: Link, type: string, attributes: Record<string, number>, description: string, stream: Stream = 'downstream'): Promise<ActiveFault> {
  const name = `surge-${type}-${randomUUID().slice(0, 8)}`;
  await call('POST', `/proxies/${link}/toxics`, { name, type, stream, toxicity: 1, attributes });
  return activeFault({ name: `${description} on ${link}`, kind: `link-${type.replace('_', '-')}`, target: link }, ctx, async () => {
    await call('DELETE', `/proxies/${link}/toxics/${name}`).catch((err: Error) => {
      if (!/404/.test(err.message)) throw err; // already gone (a reset removed it)
    });
  });
}

export const latency = (ctx: FaultContext, link: Link, ms: number, jitterMs = 0) =>
  toxic(ctx, link, 'latency', { latency: ms, jitter: jitterMs }, `${ms} ms${jitterMs ? ` ± ${jitterMs} ms` : ''} latency`);

export const bandwidth = (ctx: FaultContext, link: Link, kbPerSecond: number) =>
  toxic(ctx, link, 'bandwidth', { rate: kbPerSecond }, `bandwidth capped at ${kbPerSecond} KB/s`);

/** Data stops flowing; the connection is closed after `ms` (0: held open forever, a blackhole). */
export const timeout = (ctx: FaultContext, link: Link, ms = 0) =>
  toxic(ctx, link, 'timeout', { timeout: ms }, ms ? `timeout after ${ms} ms` : 'blackhole');

/** Connections are reset (TCP RST) after `ms`. */
export const resetPeer = (ctx: FaultContext, link: Link, ms = 0) =>
  toxic(ctx, link, 'reset_peer', { timeout: ms }, `connection reset after ${ms} ms`);

/** The link is cut: connections are refused and open ones closed. */
export async function down(ctx: FaultContext, link: Link): Promise<ActiveFault> {
  await call('POST', `/proxies/${link}`, { enabled: false });
  return activeFault({ name: `${link} link down`, kind: 'link-down', target: link }, ctx, async () => {
    await call('POST', `/proxies/${link}`, { enabled: true });
  });
}

/** Removes every toxic and enables every link. */
export async function resetAll(ctx: FaultContext): Promise<void> {
  await call('POST', '/reset');
  ctx.log('[fault] toxiproxy reset: every toxic removed, every link enabled');
}
