// A small client of the Docker Engine API over its unix socket, for what the CLI cannot do:
// create a container from another one's full configuration (a new replica made the way Compose
// makes them). The API version is the daemon's own (unversioned paths).
import { request } from 'node:http';

const socketPath = () => (process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : '/var/run/docker.sock');

export class EngineError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function engine<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      { socketPath: socketPath(), method, path, headers: { host: 'docker', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) }, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            let message = text;
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? text;
            } catch {
              /* plain text */
            }
            reject(new EngineError(status, `docker ${method} ${path}: ${status} ${message.trim()}`));
            return;
          }
          try {
            resolve((text ? JSON.parse(text) : undefined) as T);
          } catch {
            resolve(text as T);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`docker ${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export interface Inspect {
  Id: string;
  Name: string;
  Config: { Labels: Record<string, string>; Hostname?: string; Domainname?: string; [k: string]: unknown };
  HostConfig: Record<string, unknown>;
  NetworkSettings: { Networks: Record<string, { Aliases?: string[] | null; IPAMConfig?: unknown }> };
  State: { Status: string; Health?: { Status: string; FailingStreak: number }; StartedAt: string; RestartCount?: number };
  RestartCount: number;
}

export const inspect = (idOrName: string) => engine<Inspect>('GET', `/containers/${encodeURIComponent(idOrName)}/json`);

/**
 * A new replica of `template`'s service, numbered `number`: the same image, command, environment,
 * limits, healthcheck, restart policy, networks and compose labels (so `docker compose ps` lists it
 * and a later `docker compose up` takes it as up to date), reachable by the service's name.
 */
export async function cloneReplica(template: Inspect, name: string, number: number): Promise<string> {
  const labels: Record<string, string> = { ...template.Config.Labels, 'com.docker.compose.container-number': String(number) };
  const { Hostname: _h, Domainname: _d, ...config } = template.Config;
  const service = labels['com.docker.compose.service']!;
  const networks = Object.keys(template.NetworkSettings.Networks);
  const [first, ...rest] = networks;
  const endpoint = { Aliases: [name, service] };
  const created = await engine<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(name)}`, {
    ...config,
    Labels: labels,
    HostConfig: template.HostConfig,
    NetworkingConfig: { EndpointsConfig: first ? { [first]: endpoint } : {} },
  });
  for (const net of rest) await engine('POST', `/networks/${encodeURIComponent(net)}/connect`, { Container: created.Id, EndpointConfig: endpoint });
  await engine('POST', `/containers/${created.Id}/start`);
  return created.Id;
}

export const stopContainer = (id: string, graceSeconds: number) => engine('POST', `/containers/${encodeURIComponent(id)}/stop?t=${graceSeconds}`, undefined, (graceSeconds + 30) * 1_000);
export const removeContainer = (id: string) => engine('DELETE', `/containers/${encodeURIComponent(id)}?v=true`);
export const restartContainer = (id: string, graceSeconds: number) => engine('POST', `/containers/${encodeURIComponent(id)}/restart?t=${graceSeconds}`, undefined, (graceSeconds + 30) * 1_000);
