// npm run dashboards: writes grafana/dashboards/*.json from the modules in grafana/src, and removes
// any other JSON file there (every provisioned dashboard is generated). Commit the sources and the
// output together: test/unit/dashboards-generated.test.ts fails while they differ.
//   --check   write nothing; list what is out of date and exit 1 if anything is.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DASHBOARDS_DIR, generate, outOfDate } from './dashboards.ts';

const where = (name: string) => relative(process.cwd(), join(DASHBOARDS_DIR, name));

if (process.argv.includes('--check')) {
  const problems = outOfDate();
  for (const p of problems) console.error(`grafana/dashboards/${p}`);
  if (problems.length > 0) {
    console.error('run npm run dashboards and commit the result');
    process.exit(1);
  }
  console.log('grafana/dashboards is up to date');
} else {
  const files = generate();
  mkdirSync(DASHBOARDS_DIR, { recursive: true });
  for (const [name, text] of files) {
    const path = join(DASHBOARDS_DIR, name);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (before === text) { console.log(`unchanged ${where(name)}`); continue; }
    writeFileSync(path, text);
    console.log(`${(before === undefined ? 'created' : 'wrote').padEnd(9)} ${where(name)}`);
  }
  for (const name of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json') && !files.has(f))) {
    rmSync(join(DASHBOARDS_DIR, name));
    console.log(`${'removed'.padEnd(9)} ${where(name)} (not generated)`);
  }
}
