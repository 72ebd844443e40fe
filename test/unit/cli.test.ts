// Every CLI entry point in chaos/cli answers --help (exit 0, a usage line) and refuses an unknown
// flag with one line naming it and exit 64, never a stack trace, without touching the lab.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const dir = join(repoRoot, 'chaos', 'cli');
const entries = readdirSync(dir).filter((f) => f.endsWith('.ts'));

const exec = async (file: string, args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(dir, file), ...args], { cwd: repoRoot, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('CLI entry points', () => {
  test('there are some', () => {
    expect(entries.length).toBeGreaterThanOrEqual(10);
  });
  test.each(entries)('%s: --help prints its usage; an unknown flag exits 64 with one line naming it', async (file) => {
    const help = await exec(file, ['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm (run|test)/);
    const bad = await exec(file, ['--no-such-flag']);
    expect(bad.code).toBe(64);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/no-such-flag/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run region', () => {
  test.each([
    [['switchover', 'c'], /switchover needs a region, one of a, b; got "c"/],
    [['switchover'], /switchover needs a region/],
    [['explode', 'a'], /unknown action "explode": one of status, switchover, sync/],
    [['sync', 'maybe'], /sync needs on or off, got "maybe"/],
    [['status', 'a'], /status takes no argument/],
  ])('%j is refused with exit 64, naming the problem, before the lab is touched', async (args, message) => {
    const r = await exec('region.ts', args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
