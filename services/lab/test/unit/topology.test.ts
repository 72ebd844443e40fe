// The topology manifest against the files it describes: every compose service is in it (and
// nothing else), every Toxiproxy link it names is the proxy Toxiproxy loads, and the services an
// app reaches through a link really are given that link's address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../src/settings.ts';
import { LINK_NAMES, LINKS, RECOVERABLE_SERVICES, SCALABLE_SERVICES, SERVICE_NAMES, SERVICES } from '../../src/topology.ts';

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string> }> };
const proxies = JSON.parse(readFileSync(join(repoRoot, 'infra/toxiproxy/proxies.json'), 'utf8')) as { name: string; listen: string; upstream: string }[];

describe('the topology manifest', () => {
  test('names exactly the services of docker-compose.yml', () => {
    expect([...SERVICE_NAMES].sort()).toEqual(Object.keys(compose.services).sort());
  });

  test('every Toxiproxy link is a proxy of proxies.json with the same port and upstream', () => {
    expect(proxies.map((p) => p.name).sort()).toEqual([...LINK_NAMES].sort());
    for (const p of proxies) {
      const link = LINKS[p.name as keyof typeof LINKS];
      expect({ listen: p.listen, upstream: p.upstream }).toEqual({ listen: `0.0.0.0:${link.listen}`, upstream: link.upstream });
    }
  });

  test("a shop service that reaches a dependency through a link is configured with the link's address", () => {
    for (const name of SERVICE_NAMES) {
      const env = Object.values(compose.services[name]?.environment ?? {}).join(' ');
      for (const link of SERVICES[name].links) expect(env, `${name} → ${link}`).toContain(`toxiproxy:${LINKS[link].listen}`);
    }
  });

  test('only stateless services scale or are restarted by auto-recovery', () => {
    for (const s of [...SCALABLE_SERVICES, ...RECOVERABLE_SERVICES]) expect(SERVICES[s].stateful, s).toBe(false);
    expect(SCALABLE_SERVICES).toEqual(['catalog', 'cart', 'checkout']);
  });
});
