// The dependency rule (docs/architecture.md) and the single owners of the lab's facts, read off
// the sources: a test fails when an import crosses the rule, when a relative import leaves its
// package, or when a fact the lab package or the contracts own is written again elsewhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';

/**
 * Each package: the folder it owns, the packages it may import by name, and (testsMayImport) what
 * its own tests may import besides: a service's integration tests create the tables it shares with
 * another service by that service's migrations, as the lab does.
 */
const PACKAGES: { name: string; dir: string; mayImport: string[]; typeOnly?: string[]; testsMayImport?: string[] }[] = [
  { name: 'contracts', dir: 'services/contracts', mayImport: [] },
  { name: 'kit', dir: 'services/kit', mayImport: ['contracts'] },
  { name: 'web-kit', dir: 'services/web-kit', mayImport: ['contracts'] },
  { name: 'lab', dir: 'services/lab', mayImport: [] },
  ...['catalog', 'cart', 'payment', 'carrier'].map((s) => ({ name: s, dir: `services/${s}`, mayImport: ['kit', 'contracts'] })),
  { name: 'checkout', dir: 'services/checkout', mayImport: ['kit', 'contracts'], testsMayImport: ['catalog'] },
  { name: 'fulfilment', dir: 'services/fulfilment', mayImport: ['kit', 'contracts'], testsMayImport: ['catalog', 'checkout', 'carrier'] },
  { name: 'storefront', dir: 'services/storefront', mayImport: ['web-kit', 'contracts'] },
  { name: 'console-ui', dir: 'services/console/ui', mayImport: ['web-kit', 'contracts'], typeOnly: ['console', 'autoscaler', 'chaos'] },
  { name: 'chaos', dir: 'chaos', mayImport: ['lab', 'contracts', 'web-kit', 'dashboards'] },
  { name: 'console', dir: 'services/console', mayImport: ['chaos', 'lab', 'kit', 'contracts'] },
  { name: 'autoscaler', dir: 'services/autoscaler', mayImport: ['chaos', 'lab', 'kit', 'contracts'] },
  { name: 'dashboards', dir: 'grafana', mayImport: ['lab', 'contracts'] },
  { name: 'tests', dir: 'test', mayImport: ['lab', 'chaos', 'kit', 'contracts', 'web-kit'] },
];
/**
 * A package's own tests may also reach the lab (live suites), its tooling (the fault registry a
 * page's form is built from) and the tests package (the integration helpers: containers on the lab's images).
 */
const TEST_EXTRA = ['lab', 'chaos', 'tests'];

const SCOPES: Record<string, string> = {
  '@surge-lab/kit': 'kit',
  '@surge-lab/contracts': 'contracts',
  '@surge-lab/web-kit': 'web-kit',
  '@surge-lab/lab': 'lab',
  '@surge-lab/chaos': 'chaos',
  '@surge-lab/dashboards': 'dashboards',
  '@surge-lab/console': 'console',
  '@surge-lab/autoscaler': 'autoscaler',
  '@surge-lab/tests': 'tests',
  '@surge-lab/catalog': 'catalog',
  '@surge-lab/checkout': 'checkout',
  '@surge-lab/carrier': 'carrier',
};

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e === 'dist') continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ts$/.test(e)) out.push(p);
    }
  };
  if (existsSync(join(repoRoot, dir))) walk(join(repoRoot, dir));
  return out;
}

// The most specific folder wins: services/console/ui is not the console's backend.
const byDepth = [...PACKAGES].sort((a, b) => b.dir.length - a.dir.length);
const packageOf = (file: string) => byDepth.find((p) => `${relative(repoRoot, file)}/`.startsWith(`${p.dir}/`));

interface Import {
  spec: string;
  typeOnly: boolean;
  line: number;
}
function importsOf(text: string): Import[] {
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4]!;
    out.push({ spec, typeOnly: Boolean(m[2]), line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

const files = PACKAGES.flatMap((p) => sources(p.dir));
/** This file names the facts it looks for. */
const scanned = files.filter((f) => relative(repoRoot, f) !== 'test/unit/architecture.test.ts');
/** Sources apart from tests (a test's data may name services; a test must not keep its own list of them). */
const sourcesOnly = scanned.filter((f) => !/(^|\/)test\//.test(relative(repoRoot, f)));
const isComment = (line: string) => /^\s*(\/\/|\*|\/\*)/.test(line);
const rel = (f: string) => relative(repoRoot, f);

describe('the dependency rule', () => {
  test('every import by name stays within what its package may use', () => {
    const problems: string[] = [];
    for (const file of files) {
      const pkg = packageOf(file)!;
      const isTest = /\/test\//.test(rel(file));
      for (const imp of importsOf(readFileSync(file, 'utf8'))) {
        const scope = Object.keys(SCOPES).find((s) => imp.spec === s || imp.spec.startsWith(`${s}/`));
        if (!scope) continue;
        const target = SCOPES[scope]!;
        if (target === pkg.name) continue;
        const allowed = pkg.mayImport.includes(target) || (isTest && (TEST_EXTRA.includes(target) || pkg.testsMayImport?.includes(target))) || (imp.typeOnly && pkg.typeOnly?.includes(target));
        if (!allowed) problems.push(`${rel(file)}:${imp.line}: ${pkg.name} imports ${imp.spec}${imp.typeOnly ? ' (type only)' : ''}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('no relative import leaves its package (packages are imported by name)', () => {
    const problems: string[] = [];
    for (const file of files) {
      const pkg = packageOf(file)!;
      for (const imp of importsOf(readFileSync(file, 'utf8'))) {
        if (!imp.spec.startsWith('.')) continue;
        const target = resolve(dirname(file), imp.spec);
        if (packageOf(target)?.name !== pkg.name) problems.push(`${rel(file)}:${imp.line}: ${imp.spec} is outside ${pkg.dir}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every workspace has its package.json copied before npm ci in each image that installs the workspaces', () => {
    const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
    for (const dockerfile of ['services/Dockerfile', 'infra/edge/Dockerfile']) {
      const text = readFileSync(join(repoRoot, dockerfile), 'utf8');
      for (const w of root.workspaces) expect(text, `${dockerfile} copies ${w}/package.json`).toContain(`COPY ${w}/package.json ${w}/`);
    }
    // The edge's build context is cut down to what its Dockerfile.dockerignore lets through.
    const edgeContext = readFileSync(join(repoRoot, 'infra/edge/Dockerfile.dockerignore'), 'utf8').split('\n');
    for (const w of root.workspaces)
      expect(
        edgeContext.some((l) => l === `!${w}/package.json` || l === `!${w}`),
        `the edge's context has ${w}/package.json`,
      ).toBe(true);
  });
});

describe('one owner for every fact about the lab', () => {
  const SERVICE_WORDS = [
    'catalog',
    'cart',
    'checkout',
    'payment',
    'fulfilment',
    'edge',
    'pg-1',
    'pg-2',
    'pg-router',
    'etcd',
    'redis',
    'kafka',
    'toxiproxy',
    'console',
    'autoscaler',
    'prometheus',
    'grafana',
  ];
  const listOfServices = new RegExp(`\\[\\s*(['"](${SERVICE_WORDS.join('|')})['"]\\s*,\\s*){1,}['"](${SERVICE_WORDS.join('|')})['"]`);

  test('lists of services are written only in the topology manifest (services/lab/src/topology.ts)', () => {
    const offenders = sourcesOnly
      .filter((f) => rel(f) !== 'services/lab/src/topology.ts')
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((l, i) => (listOfServices.test(l) && !isComment(l) ? `${rel(f)}:${i + 1}: ${l.trim().slice(0, 100)}` : ''))
          .filter(Boolean),
      );
    expect(offenders).toEqual([]);
  });

  test("Patroni is asked only by the lab's Patroni client (services/lab/src/clients/patroni.ts)", () => {
    const reader = /:8008\b|patronictl|['"`]\/cluster['"`]/;
    const offenders = scanned
      .filter((f) => rel(f) !== 'services/lab/src/clients/patroni.ts')
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((l, i) => (reader.test(l) && !isComment(l) ? `${rel(f)}:${i + 1}: ${l.trim().slice(0, 100)}` : ''))
          .filter(Boolean),
      );
    expect(offenders).toEqual([]);
  });

  test('the orders topics are named only by the order contract (services/contracts/orders.ts)', () => {
    const topic = /['"]orders(\.dlq)?['"]|topic="orders/;
    const offenders = scanned
      .filter((f) => rel(f) !== 'services/contracts/orders.ts')
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((l, i) => (topic.test(l) && !isComment(l) ? `${rel(f)}:${i + 1}: ${l.trim().slice(0, 100)}` : ''))
          .filter(Boolean),
      );
    expect(offenders).toEqual([]);
  });

  test('the product categories are named only by the product contract (services/contracts/products.ts)', () => {
    const categories = /['"]audio['"]\s*,\s*['"]books['"]/;
    const offenders = scanned
      .filter((f) => rel(f) !== 'services/contracts/products.ts')
      .filter((f) => categories.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(offenders).toEqual([]);
  });
});
