// reports/bench.json holds the last `npm run bench` and the last `npm run bench:capacity`, each
// under its own key with the time and the machine it ran on, so one file answers "how fast, here".

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export function writeBenchReport(root: string, part: 'bench' | 'capacity', body: Record<string, unknown>): string {
  const dir = join(root, 'reports');
  const file = join(dir, 'bench.json');
  mkdirSync(dir, { recursive: true });
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(file, JSON.stringify({ ...current, [part]: { at: new Date().toISOString(), machine, ...body } }, null, 2));
  return file;
}
