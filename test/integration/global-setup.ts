// The integration project's global setup: checks that Docker answers and the lab's images are
// built (nothing can be pulled), gives this run a label for its containers, and at the end removes
// any container with that label still there (a file's afterAll normally stopped them already;
// this covers a worker that crashed or timed out). Ryuk is disabled (vitest.config.ts), so
// nothing else would. Containers of other runs or of the lab itself are never touched.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { readSettings } from '@surge-lab/lab';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);
const RUN_LABEL = 'surge-lab.integration-run';
const IMAGES = ['postgres', 'redis', 'kafka'].map((n) => `surge-lab/${n}:${readSettings().get('LAB_TAG') ?? '0.1.0'}`);

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { timeout: 60_000 })).stdout.trim();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    await docker('version', '--format', '{{.Server.Version}}');
  } catch (err) {
    throw new Error(`integration tests need a Docker engine: \`docker version\` failed (${(err as Error).message.split('\n')[0]})`);
  }
  const missing: string[] = [];
  for (const img of IMAGES) await docker('image', 'inspect', '--format', '{{.Id}}', img).catch(() => missing.push(img));
  if (missing.length)
    throw new Error(`integration tests use the lab's images, built locally and never pulled; missing: ${missing.join(', ')} (build them with \`docker compose build postgres redis kafka\`)`);

  const id = randomUUID();
  project.provide('integrationRun', id);
  return async () => {
    const left = (await docker('ps', '-aq', '--filter', `label=${RUN_LABEL}=${id}`)).split('\n').filter(Boolean);
    if (left.length) {
      console.warn(`integration teardown: removing ${left.length} container(s) a test file left running`);
      await docker('rm', '-f', '-v', ...left);
    }
  };
}
