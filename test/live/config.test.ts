import { describe, expect, test } from 'vitest';
import { compose, docker, env } from './lab.ts';

describe('configuration sanity', () => {
  test('docker compose config accepts the compose file', async () => {
    await expect(compose(['config', '--quiet'])).resolves.toBeDefined();
  });

  test('a missing setting stops Compose with a message naming it', async () => {
    const env = { ...process.env, APP_DB_PASSWORD: '', COMPOSE_DISABLE_ENV_FILE: '1' };
    // Without .env, every required variable is unset: the error names one of them.
    const err = await compose(['config', '--quiet'], { env }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/is not set \(see \.env\)/);
  });

  test('nginx accepts the edge configuration (as its entrypoint rendered it for the region)', async () => {
    const { stderr } = await compose(['exec', '-T', 'edge', 'nginx', '-t', '-c', '/tmp/nginx.conf']);
    expect(stderr).toMatch(/syntax is ok/);
    expect(stderr).toMatch(/test is successful/);
  });

  test("HAProxy accepts the edge's balancer configuration", async () => {
    const { stdout, stderr } = await compose(['exec', '-T', 'edge', 'haproxy', '-c', '-f', '/etc/haproxy/haproxy.cfg']);
    expect(stdout + stderr).not.toMatch(/WARNING|ALERT/);
  });

  test('HAProxy accepts the router configuration', async () => {
    // haproxy -c exits non-zero on errors (compose() then throws) and prints warnings on stderr.
    const { stdout, stderr } = await compose(['exec', '-T', 'pg-router', 'haproxy', '-c', '-f', '/etc/haproxy/haproxy.cfg']);
    expect(stdout + stderr).not.toMatch(/WARNING|ALERT/);
  });

  test('promtool accepts the Prometheus configuration and every rule file', async () => {
    const cfg = await compose(['exec', '-T', 'prometheus', 'promtool', 'check', 'config', '/etc/prometheus/prometheus.yml']);
    expect(cfg.stdout + cfg.stderr).toMatch(/SUCCESS/);
    expect(cfg.stdout + cfg.stderr).not.toMatch(/FAILED/);
    const rules = await compose(['exec', '-T', 'prometheus', 'sh', '-c', 'promtool check rules /etc/prometheus/rules/*.yml']);
    expect(rules.stdout + rules.stderr).toMatch(/SUCCESS: \d+ rules found/);
  });

  test('a Postgres member started without its settings exits naming every missing variable', async () => {
    const image = `surge-lab/postgres:${env.LAB_TAG}`;
    const err = await docker(['run', '--rm', '-e', 'PATRONI_NAME=pg-x', image]).then(
      () => undefined,
      (e: Error & { code?: number }) => e,
    );
    expect(err?.message).toMatch(/missing required environment variable\(s\): .*PATRONI_SUPERUSER_PASSWORD/);
    expect(err?.message).toMatch(/APP_DB_PASSWORD/);
  });

  test('an exporter started without its target exits naming the variable', async () => {
    const image = `surge-lab/exporters:${env.LAB_TAG}`;
    const err = await docker(['run', '--rm', image, 'redis']).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/REDIS_ADDR is required/);
  });
});

describe('alert rules (the chaos stop conditions)', () => {
  test('Prometheus loaded at least 8 alerts, each with a summary and a description, each evaluating without error', async () => {
    const { prometheusUrl } = await import('./lab.ts');
    const { waitFor } = await import('@surge-lab/lab');
    type Rule = { type: string; name: string; health: string; lastError?: string; annotations?: Record<string, string> };
    const rules = await waitFor(
      'every rule evaluated once',
      async () => {
        const body = (await (await fetch(`${prometheusUrl()}/api/v1/rules`)).json()) as { data: { groups: { rules: Rule[] }[] } };
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.every((r) => r.health !== 'unknown') ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const alerts = rules.filter((r) => r.type === 'alerting');
    expect(alerts.length).toBeGreaterThanOrEqual(8);
    for (const r of rules) expect(`${r.name}: ${r.health} ${r.lastError ?? ''}`.trim()).toBe(`${r.name}: ok`);
    for (const a of alerts) {
      expect(a.annotations?.summary, a.name).toBeTruthy();
      expect(a.annotations?.description, a.name).toBeTruthy();
    }
  });
});
