// The door of the lab's control APIs (the console's and the autoscaler's): from this machine only
// (403), with the lab's token only (401), checked before any routing or parsing, so an unknown
// path without the token is a 401 too. Every refusal is logged with the address it came from.
//
// "This machine" is loopback, the host (the network's gateway: Docker's port publishing, seen
// directly or named by the edge's X-Real-IP), and the containers a door trusts by name (the
// autoscaler trusts the console's, whose jobs call it).
import { createHash, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { AppError } from './errors.ts';
import type { Logger } from './log.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();
export const tokenMatches = (given: string, token: string) => timingSafeEqual(digest(given), digest(token));

const bare = (ip: string) => ip.replace(/^::ffff:/, '');
export const isLoopback = (ip: string) => /^127\./.test(bare(ip)) || bare(ip) === '::1';

/** The shortest token a door accepts (a shorter one is refused at start, or not taken from its file). */
export const MIN_TOKEN_LENGTH = 16;

/** Default gateways of this container (hex little-endian in /proc/net/route): the host, seen from the lab's network. */
export function defaultGateways(routeTable: string): string[] {
  return routeTable
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const [, dest, gw] = line.trim().split(/\s+/);
      if (dest !== '00000000' || !gw || gw === '00000000') return [];
      const b = Buffer.from(gw, 'hex');
      return [`${b[3]}.${b[2]}.${b[1]}.${b[0]}`];
    });
}

export interface Door {
  /** Whose door it is, in its messages and logs: "console", "autoscaler". */
  name: string;
  /** Addresses that count as this machine besides loopback (the gateway: Docker's port publishing). */
  hostAddresses: string[];
  /** Addresses of the edge, whose X-Real-IP names the real client. */
  edgeAddresses(): Promise<string[]>;
  /** Containers that count as this machine too (the console's, for the autoscaler). */
  trustedAddresses?(): Promise<string[]>;
  /** Who may call, in the 403's words (default "this machine only"). */
  answers?: string;
  /** The token, or a reader of it (undefined while there is none yet). */
  token: string | (() => string | undefined);
  log: Logger;
}

/** Where a request really comes from: the TCP peer, or the client the edge names when the peer is the edge. */
export async function clientAddress(peer: string, realIp: string | undefined, door: Pick<Door, 'edgeAddresses'>): Promise<string> {
  const p = bare(peer);
  if (realIp && (await door.edgeAddresses()).includes(p)) return bare(realIp.trim());
  return p;
}

/** The guard; `door()` is read per request (the service's logger exists only after the guard is installed). */
export function doorGuard(doorOf: () => Door): RequestHandler {
  return async (req, _res, next) => {
    const door = doorOf();
    const peer = req.socket.remoteAddress ?? '';
    const realIp = req.headers['x-real-ip'];
    const client = await clientAddress(peer, typeof realIp === 'string' ? realIp : undefined, door).catch(() => bare(peer));
    const refuse = (err: AppError, reason: string) => {
      door.log.warn({ client, peer, method: req.method, path: req.originalUrl.split('?')[0], reason }, `${door.name} API request refused`);
      next(err);
    };
    const trusted = isLoopback(client) || door.hostAddresses.includes(client) || (door.trustedAddresses ? (await door.trustedAddresses().catch((): string[] => [])).includes(client) : false);
    if (!trusted) {
      refuse(new AppError({ code: 'REQUEST_FORBIDDEN', message: `the ${door.name} answers ${door.answers ?? 'this machine only'} (request from ${client})` }), 'not from this machine');
      return;
    }
    const token = typeof door.token === 'string' ? door.token : door.token();
    const auth = req.headers.authorization;
    const given = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    if (!token) {
      refuse(new AppError({ code: 'REQUEST_UNAUTHORIZED', message: `the ${door.name} has no token yet (.lab/console-token: npm run lab:up or the console makes it)` }), 'no token file yet');
      return;
    }
    if (!given || !tokenMatches(given, token)) {
      refuse(
        new AppError({ code: 'REQUEST_UNAUTHORIZED', message: given ? 'wrong console token' : 'the console token is required (Authorization: Bearer <token>; npm run lab:console prints it)' }),
        given ? 'wrong token' : 'no token',
      );
      return;
    }
    next();
  };
}

/** A host's addresses by DNS, kept for a few seconds (a recreated container gets a new address). */
export function hostResolver(host: string, ttlMs = 5_000): () => Promise<string[]> {
  let cached: { at: number; addrs: string[] } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.addrs;
    const addrs = await lookup(host, { all: true }).then(
      (r) => r.map((a) => a.address),
      () => [],
    );
    cached = { at: Date.now(), addrs };
    return addrs;
  };
}

/**
 * The token as a file holds it, re-read every few seconds: a door that reads the token another
 * process makes (the autoscaler reads the console's) works as soon as the file exists, and a
 * half-written file is not taken for a token.
 */
export function fileToken(file: string, ttlMs = 5_000): () => string | undefined {
  let cached: { at: number; token: string | undefined } | undefined;
  return () => {
    if (cached?.token && Date.now() - cached.at < ttlMs) return cached.token;
    if (cached && !cached.token && Date.now() - cached.at < 1_000) return undefined;
    let token: string | undefined;
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch {
      token = undefined;
    }
    if (token !== undefined && token.length < MIN_TOKEN_LENGTH) token = undefined;
    cached = { at: Date.now(), token };
    return token;
  };
}
