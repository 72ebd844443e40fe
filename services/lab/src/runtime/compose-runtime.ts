// The lab on one Docker engine, as Compose runs it: containers are found by the compose labels
// (so this works where there is no compose file, inside a container), changed through the docker
// CLI, and new replicas are made through the Engine API. `compose()` and `upWait()` need the
// compose file: they are for the host's tools only.

import { waitFor } from '../wait.ts';
import { type DockerOptions, docker, dockerStream, healthOfStatus, parseBytes, parsePorts } from './docker-cli.ts';
import { cloneReplica, inspect } from './engine-api.ts';
import type { Container, ContainerDetail, ExecResult, Runtime, Streaming } from './runtime.ts';

export interface ComposeRuntimeOptions {
  project: string;
  root: string;
}

export class ComposeRuntime implements Runtime {
  readonly kind = 'compose' as const;
  readonly project: string;
  readonly root: string;

  constructor(o: ComposeRuntimeOptions) {
    this.project = o.project;
    this.root = o.root;
  }

  docker(args: string[], o: DockerOptions = {}): Promise<ExecResult> {
    return docker(args, { cwd: this.root, ...o });
  }

  /** `docker compose -p <project> …` in the repository (the host's tools only). */
  compose(args: string[], o: DockerOptions = {}): Promise<ExecResult> {
    return this.docker(['compose', '-p', this.project, ...args], o);
  }

  async containers(o: { all?: boolean } = {}): Promise<Container[]> {
    const fields = ['{{.ID}}', '{{.Names}}', '{{.State}}', '{{.Status}}', '{{.Label "com.docker.compose.service"}}', '{{.Label "com.docker.compose.container-number"}}', '{{.Ports}}'];
    const { stdout } = await this.docker([
      'ps',
      ...(o.all ? ['--all'] : []),
      '--no-trunc',
      '--filter',
      `label=com.docker.compose.project=${this.project}`,
      '--filter',
      'label=com.docker.compose.oneoff=False',
      '--format',
      fields.join('\t'),
    ]);
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, name, state, status, service, number, ports] = line.split('\t');
        return { id: id!, name: name!, state: state!, status: status!, health: healthOfStatus(status ?? ''), service: service!, number: Number(number), publishers: parsePorts(ports ?? '') };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async detail(container: string): Promise<ContainerDetail> {
    // The CLI, not the socket: it follows the user's docker context.
    const { stdout } = await this.docker(['inspect', '--type', 'container', '--format', '{{json .}}', container]);
    const i = JSON.parse(stdout) as {
      State: ContainerDetailState;
      HostConfig: { NanoCpus?: number };
      RestartCount?: number;
      Config: { StopTimeout?: number };
      NetworkSettings: { Networks: Record<string, { IPAddress?: string }> };
    };
    const s = i.State;
    return {
      status: s.Status,
      paused: s.Paused === true,
      health: s.Health?.Status ?? 'none',
      failingStreak: s.Health?.FailingStreak ?? 0,
      restartCount: i.RestartCount ?? 0,
      cpus: (i.HostConfig.NanoCpus ?? 0) / 1e9,
      stopGraceSeconds: i.Config.StopTimeout ?? 10,
      ip: Object.values(i.NetworkSettings.Networks)
        .map((n) => n.IPAddress)
        .find(Boolean),
    };
  }

  exec(container: string, command: string[], o: { timeoutMs?: number; detached?: boolean } = {}): Promise<ExecResult> {
    return this.docker(['exec', ...(o.detached ? ['-d'] : []), container, ...command], { timeoutMs: o.timeoutMs ?? 60_000 });
  }

  stream(container: string, command: string[], onLine: (line: string) => void): Streaming {
    return dockerStream(['exec', '-i', container, ...command], onLine);
  }

  async execIn(service: string, command: string[], o: { timeoutMs?: number } = {}): Promise<ExecResult> {
    const c = (await this.containers()).find((x) => x.service === service && x.state === 'running');
    if (!c) throw new Error(`no running container of service "${service}"`);
    return this.exec(c.name, command, o);
  }

  async signal(containers: string[], signal: 'KILL' | 'STOP' | 'CONT' | 'TERM'): Promise<void> {
    await this.docker(['kill', '--signal', signal, ...containers]);
  }
  async stop(containers: string[], graceSeconds: number): Promise<void> {
    await this.docker(['stop', '--time', String(graceSeconds), ...containers], { timeoutMs: (graceSeconds + 60) * 1_000 });
  }
  async start(containers: string[]): Promise<void> {
    await this.docker(['start', ...containers]);
  }
  async restart(containers: string[], graceSeconds: number): Promise<void> {
    await this.docker(['restart', '--time', String(graceSeconds), ...containers], { timeoutMs: (graceSeconds + 60) * 1_000 });
  }
  async pause(containers: string[]): Promise<void> {
    await this.docker(['pause', ...containers]);
  }
  async unpause(containers: string[]): Promise<void> {
    await this.docker(['unpause', ...containers]);
  }
  async remove(container: string): Promise<void> {
    await this.docker(['rm', '-f', '-v', container]);
  }
  async setCpus(container: string, cpus: number): Promise<void> {
    await this.docker(['update', '--cpus', String(cpus), container]);
  }
  async hostCpus(): Promise<number> {
    return Number((await this.docker(['info', '--format', '{{.NCPU}}'])).stdout.trim());
  }

  async memory(containers: string[]): Promise<Map<string, { used: number; limit: number }>> {
    const out = new Map<string, { used: number; limit: number }>();
    if (containers.length === 0) return out;
    const { stdout } = await this.docker(['stats', '--no-stream', '--format', '{{json .}}', ...containers]);
    for (const line of stdout.trim().split('\n').filter(Boolean)) {
      const s = JSON.parse(line) as { Name: string; MemUsage: string };
      const [used, limit] = s.MemUsage.split('/').map((x) => parseBytes(x));
      out.set(s.Name, { used: used ?? 0, limit: limit ?? 0 });
    }
    return out;
  }

  async addReplica(template: string, number: number): Promise<string> {
    const info = await inspect(template);
    const service = info.Config.Labels['com.docker.compose.service'];
    if (!service) throw new Error(`${template} is not a compose container`);
    return cloneReplica(info, `${this.project}-${service}-${number}`, number);
  }

  async removeVolumes(names: string[]): Promise<void> {
    for (const v of names) {
      await this.docker(['volume', 'rm', `${this.project}_${v}`]).catch((err: Error) => {
        if (!/no such volume/i.test(err.message)) throw err;
      });
    }
  }

  async up(services: string[], o: { timeoutMs?: number } = {}): Promise<void> {
    await this.compose(['up', '-d', '--wait', ...services], { timeoutMs: o.timeoutMs ?? 600_000 });
  }

  /** Waits until a container runs and, when it has a healthcheck, is healthy. */
  async waitHealthy(container: string, timeoutMs = 180_000): Promise<void> {
    await waitFor(
      `${container} running and healthy`,
      async () => {
        const d = await this.detail(container);
        return d.status === 'running' && (d.health === 'healthy' || d.health === 'none');
      },
      { timeoutMs, intervalMs: 500 },
    );
  }

  async serviceNames(profiles: readonly string[] = []): Promise<string[]> {
    const { stdout } = await this.compose([...profileArgs(profiles), 'config', '--services']);
    return stdout
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .sort();
  }

  /** Services whose image can be neither built nor found locally nor pulled (Grafana where no registry is reachable). */
  async unavailableImages(profiles: readonly string[] = []): Promise<string[]> {
    const { stdout } = await this.compose([...profileArgs(profiles), 'config', '--format', 'json']);
    const config = JSON.parse(stdout) as { services: Record<string, { image?: string; build?: unknown }> };
    const missing: string[] = [];
    for (const [name, svc] of Object.entries(config.services)) {
      if (svc.build || !svc.image) continue;
      const present = await this.docker(['image', 'inspect', svc.image]).then(
        () => true,
        () => false,
      );
      if (present) continue;
      const pulled = await this.compose(['pull', '--quiet', name], { timeoutMs: 300_000 }).then(
        () => true,
        () => false,
      );
      if (!pulled) missing.push(name);
    }
    return missing;
  }

  /** `docker compose up -d --wait` (with these profiles too), leaving out services whose image cannot be had. */
  async upWait(log: (line: string) => void = () => {}, profiles: readonly string[] = []): Promise<{ seconds: number; skipped: string[] }> {
    const skipped = await this.unavailableImages(profiles);
    const services = (await this.serviceNames(profiles)).filter((s) => !skipped.includes(s));
    if (skipped.length) log(`[lab] image not available, not started: ${skipped.join(', ')}`);
    const started = Date.now();
    await this.compose([...profileArgs(profiles), 'up', '-d', '--wait', '--wait-timeout', '600', ...(skipped.length ? services : [])], { timeoutMs: 900_000 });
    return { seconds: (Date.now() - started) / 1000, skipped };
  }
}

const profileArgs = (profiles: readonly string[]) => profiles.flatMap((p) => ['--profile', p]);

interface ContainerDetailState {
  Status: string;
  Paused?: boolean;
  Health?: { Status: string; FailingStreak: number };
}
