import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { docker, labProject, projectRoot } from '../../../infra/lab/compose.ts';
import { createService, runMain } from '../../kit/src/index.ts';
import { buildApp } from './app.ts';
import { consoleGuard, defaultGateways, edgeResolver, loadOrCreateToken, type Door } from './auth.ts';
import { consoleConfig } from './config.ts';
import { FaultBoard } from './faults.ts';
import { Loads, Runs } from './sessions.ts';

runMain(async () => {
  const config = consoleConfig();
  // The project is whatever compose named it (`-p` included): this container's own label says.
  process.env.COMPOSE_PROJECT_NAME = (await docker(['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project"}}', hostname()])).stdout.trim() || labProject();
  let door: Door | undefined;
  const svc = createService('console', { logLevel: config.LOG_LEVEL, guards: [{ path: '/lab/api', handler: consoleGuard(() => door!) }] });
  door = {
    hostAddresses: [...defaultGateways(readFileSync('/proc/net/route', 'utf8')), ...config.CONSOLE_ALLOW_FROM],
    edgeAddresses: edgeResolver(config.EDGE_HOST),
    token: loadOrCreateToken(config.CONSOLE_TOKEN_FILE, svc.logger),
    log: svc.logger,
  };
  svc.logger.info({ hostAddresses: door.hostAddresses }, 'the console answers loopback and these host addresses');

  const faults = new FaultBoard(svc.logger);
  const loads = new Loads(projectRoot);
  const runs = new Runs(projectRoot);
  const app = buildApp(svc, { root: projectRoot, grafanaUrl: config.GRAFANA_PUBLIC_URL.replace(/\/$/, ''), faults, loads, runs });
  await svc.listen(app, {
    port: config.PORT,
    closers: [
      // Nothing the console started outlives it: loads stop, game days roll back, faults revert.
      { name: 'loads', close: () => loads.stopAndWait() },
      { name: 'game days', close: () => runs.abortAll() },
      { name: 'faults', close: () => faults.revertAll() },
    ],
  });
});
