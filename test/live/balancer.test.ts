// The edge balances over ready replicas only, over kept-alive connections (infra/edge/haproxy.cfg):
// a replica whose /readyz fails gets no new request within 2 s and gets traffic again within
// 2 s of being ready again, and shop requests do not open a connection each.
import { OUT_OF_ROTATION_FILE } from '@surge-lab/kit';
import { afterAll, describe, expect, test } from 'vitest';
import { lab, ps } from './lab.ts';
import { sleep } from './load.ts';
import { api, cartWith } from './shop.ts';

const BOUND_MS = 2_000;

interface ServerStats {
  backend: string;
  slot: string;
  status: string;
  addr: string;
  requests: number;
  connects: number;
  reuses: number;
}

/** HAProxy's own counters, from its stats page inside the edge container. */
async function balancerStats(): Promise<ServerStats[]> {
  const edge = (await ps()).find((c) => c.service === 'edge')!;
  const { stdout } = await lab.runtime.exec(edge.name, ['curl', '-fs', 'http://127.0.0.1:8405/stats;csv']);
  const [header, ...rows] = stdout.trim().split('\n');
  const cols = header!.replace(/^# /, '').split(',');
  const at = (name: string) => cols.indexOf(name);
  return rows.map((line) => {
    const f = line.split(',');
    return {
      backend: f[at('pxname')]!,
      slot: f[at('svname')]!,
      status: f[at('status')]!,
      addr: f[at('addr')]!,
      requests: Number(f[at('req_tot')]),
      connects: Number(f[at('connect')]),
      reuses: Number(f[at('reuse')]),
    };
  });
}

/** Sequential reads of one cart, each answer with the time it came and the replica that gave it. */
function readLoop(cartId: string) {
  const answers: { at: number; status: number; servedBy: string }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const a = await api('GET', `/api/carts/${cartId}`);
      answers.push({ at: Date.now(), status: a.status, servedBy: a.headers.get('x-served-by') ?? '' });
      await sleep(10);
    }
  })();
  return {
    answers,
    async stop() {
      running = false;
      await done;
      return answers;
    },
  };
}

describe('the edge balancer', () => {
  let victim: string | undefined;
  afterAll(async () => {
    if (victim) await lab.runtime.exec(victim, ['rm', '-f', OUT_OF_ROTATION_FILE]).catch(() => {});
  });

  test('a cart replica out of rotation gets no new request within 2 s, and traffic again within 2 s of being ready', async () => {
    const carts = (await ps()).filter((c) => c.service === 'cart' && c.state === 'running');
    expect(carts.length).toBeGreaterThanOrEqual(2);
    victim = carts[0]!.name;
    const ip = (await lab.runtime.detail(victim)).ip!;
    const slot = (await balancerStats()).find((s) => s.backend === 'cart' && s.addr.startsWith(`${ip}:`))!;
    expect(slot.status).toBe('UP');
    const servedByVictim = `cart/${slot.slot}`;

    const cartId = await cartWith({ 'p-00001': 1 });
    const loop = readLoop(cartId);
    await sleep(1_000);
    const out = Date.now();
    await lab.runtime.exec(victim, ['touch', OUT_OF_ROTATION_FILE]);
    await sleep(4_000);
    const back = Date.now();
    await lab.runtime.exec(victim, ['rm', '-f', OUT_OF_ROTATION_FILE]);
    await sleep(3_000);
    const answers = await loop.stop();

    const victimAnswers = answers.filter((a) => a.servedBy === servedByVictim);
    const lastBeforeBack = Math.max(...victimAnswers.filter((a) => a.at < back).map((a) => a.at));
    const firstAfterBack = Math.min(...victimAnswers.filter((a) => a.at >= back).map((a) => a.at));
    console.log(
      `[balancer] ${answers.length} reads; ${victim} (${servedByVictim}) last answered ${lastBeforeBack - out} ms after it left rotation, first again ${firstAfterBack - back} ms after it was ready`,
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(victimAnswers.filter((a) => a.at < out).length).toBeGreaterThan(0); // it had its share before
    expect(lastBeforeBack - out).toBeLessThanOrEqual(BOUND_MS);
    expect(firstAfterBack - back).toBeLessThanOrEqual(BOUND_MS);
  });

  test('shop requests reuse kept-alive connections to the replicas instead of opening one each', async () => {
    const cartId = await cartWith({ 'p-00002': 1 });
    const sum = (s: ServerStats[]) =>
      s.filter((x) => x.backend === 'cart' && x.slot !== 'BACKEND').reduce((a, x) => ({ requests: a.requests + x.requests, connects: a.connects + x.connects }), { requests: 0, connects: 0 });
    const before = sum(await balancerStats());
    for (let i = 0; i < 200; i++) expect((await api('GET', `/api/carts/${cartId}`)).status).toBe(200);
    const after = sum(await balancerStats());
    const requests = after.requests - before.requests;
    const connects = after.connects - before.connects;
    console.log(`[balancer] ${requests} cart requests over ${connects} new connections to the replicas`);
    expect(requests).toBeGreaterThanOrEqual(200);
    expect(connects).toBeLessThanOrEqual(10);
  });
});
