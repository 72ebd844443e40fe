// A bad policy file stops the autoscaler at start, before it touches Docker, with every problem
// named by line and field (as a bad environment variable does).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const start = join(import.meta.dirname, '..', '..', 'src', 'start.ts');

test('a policy with min > max, an unknown service and a negative cooldown is refused at start, naming each field', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'scaling.yaml');
  writeFileSync(
    file,
    ['services:', '  catalog:', '    min: 5', '    max: 4', '    metric: rps-per-replica', '    target: 100', '    scale-in-cooldown-seconds: -3', '  warehouse:', '    min: 1', '    max: 2', ''].join(
      '\n',
    ),
  );
  const r = await run(process.execPath, [start], { env: { ...process.env, SCALING_POLICY_FILE: file, CONSOLE_TOKEN_FILE: join(tmpdir(), 'never-written') }, timeout: 20_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/autoscaler: invalid configuration/);
  expect(r.stderr).toMatch(/scaling\.yaml:3: services\.catalog\.min: \(5\) is greater than max \(4\)/);
  expect(r.stderr).toMatch(/scaling\.yaml:7: services\.catalog\.scale-in-cooldown-seconds/);
  expect(r.stderr).toMatch(/scaling\.yaml:8: .*warehouse/);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
});
