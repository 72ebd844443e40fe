// The lab as one object: its settings, the runtime that runs it, its endpoints and a client for
// each of its APIs. Tools make one with `openLab()` (the project passed explicitly when it is
// not the one .env names) and hand it down; nothing reads the project from a global.
import { readFileSync } from 'node:fs';
import { AUTOSCALER_IN_LAB, AUTOSCALER_PATH, AutoscalerClient } from './clients/autoscaler.ts';
import { CONSOLE_TOKEN_IN_CONTAINER, ConsoleClient, hostConsoleToken } from './clients/console.ts';
import { type Annotator, grafanaAnnotator } from './clients/grafana.ts';
import { PatroniClient } from './clients/patroni.ts';
import { PrometheusClient } from './clients/prometheus.ts';
import { ToxiproxyClient } from './clients/toxiproxy.ts';
import { type Endpoints, endpoints } from './endpoints.ts';
import { ComposeRuntime } from './runtime/compose-runtime.ts';
import { type LabSettings, readSettings, type SettingsOptions } from './settings.ts';
import { globalName, type WanHostName } from './wan.ts';

export interface Lab {
  readonly settings: LabSettings;
  readonly root: string;
  readonly project: string;
  readonly runtime: ComposeRuntime;
  readonly endpoints: Endpoints;
  readonly patroni: PatroniClient;
  readonly toxiproxy: ToxiproxyClient;
  readonly prometheus: PrometheusClient;
  readonly console: ConsoleClient;
  /** The autoscaler's API (the controller: scaling and auto-recovery). */
  readonly autoscaler: AutoscalerClient;
  /** Grafana annotations with these tags on each, or none when Grafana is not reachable. */
  annotator(log: (l: string) => void, tags?: string[]): Promise<Annotator>;
  /** The app's database login (lab-local credentials from .env). */
  readonly db: { user: string; password: string; database: string };
  readonly adminToken: string | undefined;
}

export interface OpenLabOptions extends SettingsOptions {
  /** The console's token file when running inside the console. */
  consoleTokenFile?: string;
}

export function openLab(o: OpenLabOptions = {}): Lab {
  const settings = readSettings(o);
  const runtime = new ComposeRuntime({ project: settings.project, root: settings.root });
  const ep = endpoints(settings);
  const consoleBase = settings.inside ? 'http://127.0.0.1:8080/lab/api' : `${ep.url('edge')}/lab/api`;
  const consoleToken = settings.inside ? async () => readFileSync(o.consoleTokenFile ?? CONSOLE_TOKEN_IN_CONTAINER, 'utf8').trim() : () => hostConsoleToken(settings.root, runtime);
  return {
    settings,
    root: settings.root,
    project: settings.project,
    runtime,
    endpoints: ep,
    // Inside the lab, a member is asked by its global name: the member itself in its own region, the
    // WAN's proxy for it in the other (the console's region faults see region B's members too).
    patroni: new PatroniClient({ runtime, direct: settings.inside, ...(settings.inside ? { hostOf: (m: string) => globalName(m as WanHostName) } : {}) }),
    toxiproxy: new ToxiproxyClient(ep.url('toxiproxy')),
    prometheus: new PrometheusClient(ep.url('prometheus')),
    console: new ConsoleClient({ base: consoleBase, token: consoleToken }),
    autoscaler: new AutoscalerClient({ base: settings.inside ? AUTOSCALER_IN_LAB : `${ep.url('edge')}${AUTOSCALER_PATH}`, token: consoleToken }),
    annotator: (log, tags = []) => grafanaAnnotator(ep.url('grafana'), log, { tags }),
    db: { user: settings.get('APP_DB_USER') ?? 'shop', password: settings.get('APP_DB_PASSWORD') ?? '', database: settings.get('APP_DB_NAME') ?? 'shop' },
    adminToken: settings.get('ADMIN_TOKEN'),
  };
}
