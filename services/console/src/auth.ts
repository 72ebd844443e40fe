// The console API's door: from this machine only (403), with the token only (401), checked
// before any routing or parsing, so an unknown path without the token is a 401 too. Every
// refusal is logged with the address it came from.
import { createHash, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { chmodSync, chownSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RequestHandler } from 'express';
import { readOrCreateToken } from '@surge-lab/lab';
import { AppError, type Logger } from '@surge-lab/kit';

/**
 * The token from the token file, or a new one written there (0600, owned like the directory, so
 * the user who made `.lab/` can read it). `npm run lab:up` writes the file before the lab starts.
 */
export function loadOrCreateToken(file: string, log: Logger): string {
  const { token, created } = readOrCreateToken(file);
  if (token.length < 16) throw new Error(`${file}: the console token must be at least 16 characters`);
  if (created) {
    chmodSync(file, 0o600);
    const owner = statSync(dirname(file));
    try { chownSync(file, owner.uid, owner.gid); } catch { /* not root: the file is ours already */ }
    log.info({ file }, 'console token created (npm run lab:console prints the console address with it)');
  }
  return token;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
export const tokenMatches = (given: string, token: string) => timingSafeEqual(digest(given), digest(token));

const bare = (ip: string) => ip.replace(/^::ffff:/, '');
export const isLoopback = (ip: string) => /^127\./.test(bare(ip)) || bare(ip) === '::1';

/** Default gateways of this container (hex little-endian in /proc/net/route): the host, seen from the lab's network. */
export function defaultGateways(routeTable: string): string[] {
  return routeTable.split('\n').slice(1).flatMap((line) => {
    const [, dest, gw] = line.trim().split(/\s+/);
    if (dest !== '00000000' || !gw || gw === '00000000') return [];
    const b = Buffer.from(gw, 'hex');
    return [`${b[3]}.${b[2]}.${b[1]}.${b[0]}`];
  });
}

export interface Door {
  /** Addresses that count as this machine besides loopback (the gateway: Docker's port publishing). */
  hostAddresses: string[];
  /** Addresses of the edge, whose X-Real-IP names the real client. */
  edgeAddresses(): Promise<string[]>;
  token: string;
  log: Logger;
}

/** Where a request really comes from: the TCP peer, or the client the edge names when the peer is the edge. */
export async function clientAddress(peer: string, realIp: string | undefined, door: Pick<Door, 'edgeAddresses'>): Promise<string> {
  const p = bare(peer);
  if (realIp && (await door.edgeAddresses()).includes(p)) return bare(realIp.trim());
  return p;
}

/** The guard; `door()` is read per request (the service's logger exists only after the guard is installed). */
export function consoleGuard(doorOf: () => Door): RequestHandler {
  return async (req, _res, next) => {
    const door = doorOf();
    const peer = req.socket.remoteAddress ?? '';
    const realIp = req.headers['x-real-ip'];
    const client = await clientAddress(peer, typeof realIp === 'string' ? realIp : undefined, door).catch(() => bare(peer));
    const refuse = (err: AppError, reason: string) => {
      door.log.warn({ client, peer, method: req.method, path: req.originalUrl.split('?')[0], reason }, 'console API request refused');
      next(err);
    };
    if (!isLoopback(client) && !door.hostAddresses.includes(client)) {
      refuse(new AppError({ code: 'REQUEST_FORBIDDEN', message: `the console answers this machine only (request from ${client})` }), 'not from this machine');
      return;
    }
    const auth = req.headers.authorization;
    const given = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    if (!given || !tokenMatches(given, door.token)) {
      refuse(new AppError({ code: 'REQUEST_UNAUTHORIZED', message: given ? 'wrong console token' : 'the console token is required (Authorization: Bearer <token>; npm run lab:console prints it)' }), given ? 'wrong token' : 'no token');
      return;
    }
    next();
  };
}

/** The edge's addresses by DNS, kept for a few seconds (a recreated edge gets a new address). */
export function edgeResolver(host: string, ttlMs = 5_000): () => Promise<string[]> {
  let cached: { at: number; addrs: string[] } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.addrs;
    const addrs = await lookup(host, { all: true }).then((r) => r.map((a) => a.address), () => []);
    cached = { at: Date.now(), addrs };
    return addrs;
  };
}
