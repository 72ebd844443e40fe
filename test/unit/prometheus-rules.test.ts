import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot as projectRoot } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

// The Prometheus rules (infra/prometheus/rules/platform.yml), offline: recording rules named by the
// level:metric:operations convention (https://prometheus.io/docs/practices/rules/), alerts with a summary
// and a description, and no user anywhere in the repository of a recorded name that is not recorded
// (a rename that missed a dashboard, an experiment or a console chart). promtool checks the syntax in the
// live suite (test/live/config.test.ts).

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const file = join(projectRoot, 'infra', 'prometheus', 'rules', 'platform.yml');
const { groups } = parse(readFileSync(file, 'utf8')) as { groups: { name: string; rules: Rule[] }[] };
const rules = groups.flatMap((g) => g.rules);
const recordings = rules.filter((r): r is Rule & { record: string } => typeof r.record === 'string');
const alerts = rules.filter((r): r is Rule & { alert: string } => typeof r.alert === 'string');
const recorded = new Set(recordings.map((r) => r.record));

// Alert names are referred to by the chaos experiments' stop conditions: a rename is a breaking change.
const ALERTS = [
  'TargetDown',
  'PatroniNoLeader',
  'EdgeHighErrorRatio',
  'ShopHighErrorRatio',
  'ShopLatencyP99AboveSLO',
  'ReplicationLagHigh',
  'BreakerOpen',
  'OutboxBacklogGrowing',
  'ConsumerLagGrowing',
  'RedisMemoryNearLimit',
  'RequestsShed',
  'RegionUnreachable',
  'CrossRegionReplicationLagHigh',
];

/** The labels an expression's result keeps: those of its first `by (…)` clause, without a histogram's `le`. */
function outputLabels(expr: string): string[] {
  const by = /\bby\s*\(([^)]*)\)/.exec(expr);
  return by
    ? by[1]!
        .split(',')
        .map((l) => l.trim())
        .filter((l) => l && l !== 'le')
    : [];
}

describe('recording rules follow level:metric:operations', () => {
  test('there are recording rules, each recorded once', () => {
    expect(recordings.length).toBeGreaterThan(0);
    expect(recorded.size).toBe(recordings.length);
  });

  test.each(recordings.map((r) => [r.record, r.expr] as const))('%s', (name, expr) => {
    const parts = name.split(':');
    expect(parts, 'three parts: level:metric:operations').toHaveLength(3);
    const [level, metric, operations] = parts as [string, string, string];
    for (const part of [metric, operations]) expect(part).toMatch(/^[a-z][a-z0-9_]*$/);
    // level: the labels of the result, joined by "_" (job_status = job and status).
    expect(level, 'the level names the labels the result keeps').toBe(outputLabels(expr).join('_'));
    // metric: no counter suffix once rated.
    expect(metric).not.toMatch(/_total$/);
    // operations, newest first, end with the rate and its window: rate1m, ratio_rate1m, p99_rate1m.
    const windows = [...new Set([...expr.matchAll(/\brate\([^[]*\[(\d+[smh])\]\)/g)].map((m) => m[1]))];
    expect(windows, 'one rate window per rule').toHaveLength(1);
    expect(operations.endsWith(`rate${windows[0]}`), `${operations} ends with rate${windows[0]}`).toBe(true);
    // A ratio separates its numerator and denominator with _per_ and says ratio.
    expect(metric.includes('_per_'), 'a ratio is <numerator>_per_<denominator>').toBe(operations.startsWith('ratio_'));
    if (operations.startsWith('ratio_')) expect(expr).toContain('/');
    // pNN: histogram_quantile(0.NN, …).
    const quantile = /^p(\d+)_/.exec(operations);
    if (quantile) expect(Number(/histogram_quantile\(\s*([\d.]+)/.exec(expr)?.[1]) * 100).toBeCloseTo(Number(quantile[1]), 9);
  });
});

describe('alerts', () => {
  test('the alerts are the ones the experiments and the README name, each once', () => {
    expect(alerts.map((a) => a.alert)).toEqual(ALERTS);
  });

  test.each(alerts.map((a) => ({ name: a.alert, a })))('$name has a summary and a description (and no other annotation but a runbook_url)', ({ a }) => {
    expect(a.annotations?.summary?.trim(), 'summary').toBeTruthy();
    expect(a.annotations?.description?.trim(), 'description').toBeTruthy();
    expect(a.annotations?.description, 'the description says more than the summary').not.toBe(a.annotations?.summary);
    expect(Object.keys(a.annotations ?? {}).filter((k) => !['summary', 'description', 'runbook_url'].includes(k))).toEqual([]);
    expect(a.labels?.severity).toMatch(/^(warning|critical)$/);
  });

  test('every alert a chaos experiment stops on exists', () => {
    const dir = join(projectRoot, 'chaos', 'experiments');
    const named = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => ((parse(readFileSync(join(dir, f), 'utf8')) as { 'stop-conditions'?: { alert?: string }[] })['stop-conditions'] ?? []).flatMap((c) => (c.alert ? [`${f}: ${c.alert}`] : [])));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !ALERTS.includes(n.split(': ')[1]!))).toEqual([]);
  });
});

describe('every recorded name in use is recorded', () => {
  // Every text file of the repository a rule name can appear in: dashboards and their generator,
  // experiments, the console's charts and controller, tests, READMEs.
  const SKIP = new Set(['node_modules', '.git', 'reports', 'dist', 'package-lock.json']);
  const TEXT = /\.(ts|ya?ml|md|json|html)$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      SKIP.has(e.name) || e.name.startsWith('.') ? [] : e.isDirectory() ? walk(join(dir, e.name)) : TEXT.test(e.name) ? [join(dir, e.name)] : [],
    );
  const NAME = /(?<![\w:./-])[a-z][a-z0-9_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*(?![\w:])/g;
  const uses = walk(projectRoot).flatMap((path) =>
    [...readFileSync(path, 'utf8').matchAll(NAME)].map((m) => ({ where: relative(projectRoot, path), name: m[0] })).filter((u) => u.name !== 'level:metric:operations'),
  );

  test("the scan finds the dashboards', experiments' and console's uses", () => {
    const where = new Set(uses.map((u) => u.where));
    for (const f of ['grafana/dashboards/surge-overview.json', 'grafana/src/surge-overview.ts', 'services/console/src/charts.ts', 'chaos/experiments/redis-outage.yaml']) expect(where).toContain(f);
  });

  test('no file uses a name that no rule records (an old name after a rename, a typo)', () => {
    expect(uses.filter((u) => !recorded.has(u.name)).map((u) => `${u.where}: ${u.name}`)).toEqual([]);
  });

  test('every recording rule is used somewhere besides the rule file', () => {
    const used = new Set(uses.filter((u) => !u.where.startsWith('infra/prometheus/')).map((u) => u.name));
    expect([...recorded].filter((r) => !used.has(r))).toEqual([]);
  });
});
