// Loads and game days started from the console run as the same CLIs a user runs
// (`npm run load`, `npm run gameday`), as child processes whose output the console keeps.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';

const KEEP_LINES = 400;

export interface JobView {
  id: string;
  startedAt: string;
  endedAt?: string;
  exitCode?: number | null;
  log: string[];
}

export class Job {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  endedAt?: Date;
  exitCode?: number | null;
  readonly lines: string[] = [];
  readonly done: Promise<number | null>;
  private readonly child: ChildProcess;

  /** `project`: the compose project the CLI acts on, passed to it explicitly. */
  constructor(o: { cwd: string; project: string }, script: string, args: string[], onLine: (line: string) => void = () => {}) {
    this.child = spawn(process.execPath, [script, ...args], { cwd: o.cwd, env: { ...process.env, COMPOSE_PROJECT_NAME: o.project, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (line: string) => {
      this.lines.push(line);
      if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
      onLine(line);
    };
    createInterface({ input: this.child.stdout! }).on('line', keep);
    createInterface({ input: this.child.stderr! }).on('line', keep);
    this.done = new Promise((resolve) => {
      this.child.on('error', (err) => {
        keep(`could not start: ${err.message}`);
        this.finish(null);
        resolve(null);
      });
      this.child.on('close', (code) => {
        this.finish(code);
        resolve(code);
      });
    });
  }

  private finish(code: number | null): void {
    this.exitCode ??= code;
    this.endedAt ??= new Date();
  }

  get running(): boolean {
    return this.endedAt === undefined;
  }

  /** As Ctrl-C: the CLIs stop, roll back and write their reports. */
  interrupt(): void {
    if (this.running) this.child.kill('SIGINT');
  }

  view(): JobView {
    return {
      id: this.id,
      startedAt: this.startedAt.toISOString(),
      ...(this.endedAt ? { endedAt: this.endedAt.toISOString(), exitCode: this.exitCode ?? null } : {}),
      log: [...this.lines],
    };
  }
}
