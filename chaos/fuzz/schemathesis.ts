// Property-based fuzzing of the shop API with schemathesis: it reads the OpenAPI document the
// edge serves and sends what the document allows and what it forbids, checking every answer
// against it (status documented, body matching its schema, no 5xx, invalid input refused, valid
// input accepted, unsupported methods answered 405). Run with a fixed seed and a bounded number of
// examples per operation, so a run is repeatable and its cost known.
//
// schemathesis is a Python tool: it is installed once, pinned, into a virtual environment under
// .lab/tools/ with the machine's python3 (pip's default index), and reused afterwards.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCHEMATHESIS_VERSION = '4.32.5';

export interface FuzzOptions {
  /** The lab's root (the virtual environment lives under its .lab/). */
  root: string;
  /** The edge, e.g. http://127.0.0.1:8080. */
  target: string;
  seed: number;
  maxExamples: number;
  reportDir: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface FuzzResult {
  ok: boolean;
  exitCode: number;
  /** Test cases run, failed and erroring, from the JUnit report (one test case per operation). */
  operations: number;
  failures: string[];
  junitFile: string;
}

function run(cmd: string, args: string[], o: { log: (l: string) => void; signal?: AbortSignal }): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(o.signal ? { signal: o.signal } : {}) });
    let rest = '';
    const onData = (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) o.log(l);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (rest) o.log(rest);
      resolve(code ?? 1);
    });
  });
}

/** The pinned schemathesis, installed on first use: the path of its executable. */
export async function ensureSchemathesis(root: string, log: (l: string) => void = () => {}): Promise<string> {
  const venv = join(root, '.lab', 'tools', `schemathesis-${SCHEMATHESIS_VERSION}`);
  const bin = join(venv, 'bin', 'schemathesis');
  if (existsSync(bin)) return bin;
  mkdirSync(join(root, '.lab', 'tools'), { recursive: true });
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv}`);
  if ((await run('python3', ['-m', 'venv', venv], { log })) !== 0) throw new Error('python3 -m venv failed: schemathesis needs python3 with venv');
  const pip = await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], { log });
  if (pip !== 0 || !existsSync(bin)) throw new Error(`pip could not install schemathesis ${SCHEMATHESIS_VERSION}`);
  return bin;
}

/** XML text back to text (the entities a JUnit writer uses). */
const unescapeXml = (t: string) =>
  t
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * The failing operations of schemathesis' JUnit report (one test case per operation), each as
 * "GET /api/x: ST101, ST103 — <its first explanation line>".
 */
export function junitFailures(xml: string): { operations: number; failures: string[] } {
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)];
  const failures: string[] = [];
  for (const [, attrs = '', body = ''] of cases) {
    const name = unescapeXml(/\bname="([^"]*)"/.exec(attrs)?.[1] ?? '?');
    for (const [, tag = '', text = ''] of body.matchAll(/<(?:failure|error)\b([^>]*)>([\s\S]*?)<\/(?:failure|error)>/g)) {
      const codes = unescapeXml(/\bmessage="([^"]*)"/.exec(tag)?.[1] ?? 'failure');
      const why = unescapeXml(text)
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l && !/^\d+\. Test Case ID|^- ST\d+/.test(l));
      failures.push(`${name}: ${codes}${why ? ` — ${why}` : ''}`);
    }
  }
  return { operations: cases.length, failures };
}

export async function fuzzApi(o: FuzzOptions): Promise<FuzzResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const bin = await ensureSchemathesis(o.root, log);
  mkdirSync(o.reportDir, { recursive: true });
  const junitFile = join(o.reportDir, `schemathesis-seed-${o.seed}.xml`);
  const exitCode = await run(
    bin,
    [
      '--no-color',
      'run',
      `${o.target}/api/openapi.json`,
      '--url',
      o.target,
      '--checks',
      'all',
      '--seed',
      String(o.seed),
      '--max-examples',
      String(o.maxExamples),
      '--workers',
      '1',
      '--request-timeout',
      '10',
      '--report',
      'junit',
      '--report-junit-path',
      junitFile,
    ],
    { log, ...(o.signal ? { signal: o.signal } : {}) },
  );
  const { operations, failures } = existsSync(junitFile) ? junitFailures(readFileSync(junitFile, 'utf8')) : { operations: 0, failures: ['no JUnit report was written'] };
  return { ok: exitCode === 0 && failures.length === 0, exitCode, operations, failures, junitFile };
}
