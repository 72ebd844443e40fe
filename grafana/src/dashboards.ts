// Every provisioned dashboard, and how each is written: grafana/dashboards/<uid>.json, which Grafana's
// file provider (grafana/provisioning/dashboards/surge-lab.yml) loads as is.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autoscaling from './autoscaling.ts';
import dataTier from './data-tier.ts';
import labPlatform from './lab-platform.ts';
import regions from './regions.ts';
import resilience from './resilience.ts';
import type { Dashboard } from './schema.ts';
import surgeOverview from './surge-overview.ts';

/** grafana/dashboards: the directory Grafana provisions from (mounted by docker-compose.yml). */
export const DASHBOARDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dashboards');

export const DASHBOARDS: readonly Dashboard[] = [surgeOverview, dataTier, resilience, autoscaling, labPlatform, regions];

export const fileName = (d: Dashboard) => `${d.uid}.json`;

/** The file's text: two-space JSON and a final newline. */
export const render = (d: Dashboard) => `${JSON.stringify(d, null, 2)}\n`;

/** Every generated file by name, in memory. Throws if two dashboards share a uid (one would overwrite the other). */
export function generate(): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of DASHBOARDS) {
    if (files.has(fileName(d))) throw new Error(`two dashboards have the uid ${d.uid}`);
    files.set(fileName(d), render(d));
  }
  return files;
}

/** What in `dir` differs from the generator's output: files missing, different, or not generated at all. */
export function outOfDate(dir = DASHBOARDS_DIR): string[] {
  const files = generate();
  const problems: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    if (!existsSync(path)) problems.push(`${name}: missing`);
    else if (readFileSync(path, 'utf8') !== text) problems.push(`${name}: differs from the generator's output`);
  }
  const onDisk = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  for (const name of onDisk.filter((f) => !files.has(f)).sort()) problems.push(`${name}: not generated (hand-written, or left over from a removed dashboard)`);
  return problems;
}

/**
 * Writes grafana/dashboards/*.json from the modules here and removes any other JSON file there
 * (every provisioned dashboard is generated); says what it did through `log`.
 */
export function writeDashboards(log: (line: string) => void): void {
  const files = generate();
  mkdirSync(DASHBOARDS_DIR, { recursive: true });
  for (const [name, text] of files) {
    const path = join(DASHBOARDS_DIR, name);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (before === text) {
      log(`unchanged grafana/dashboards/${name}`);
      continue;
    }
    writeFileSync(path, text);
    log(`${(before === undefined ? 'created' : 'wrote').padEnd(9)} grafana/dashboards/${name}`);
  }
  for (const name of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json') && !files.has(f))) {
    rmSync(join(DASHBOARDS_DIR, name));
    log(`${'removed'.padEnd(9)} grafana/dashboards/${name} (not generated)`);
  }
}
