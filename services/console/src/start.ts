import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { docker, openLab, repoRoot } from '@surge-lab/lab';
import { ConfigError, createService, runMain } from '@surge-lab/kit';
import { Controller } from './scaling/controller.ts';
import { parsePolicy, PolicyError } from './scaling/policy.ts';
import { buildApp } from './app.ts';
import { consoleGuard, defaultGateways, edgeResolver, loadOrCreateToken, type Door } from './auth.ts';
import { consoleConfig } from './config.ts';
import { FaultBoard } from './faults.ts';
import { Loads, Runs } from './sessions.ts';

runMain(async () => {
  const config = consoleConfig();
  const policyFile = config.SCALING_POLICY_FILE;
  let policy;
  try {
    policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile.replace(`${repoRoot}/`, ''));
  } catch (err) {
    // A bad policy stops the console at start, naming each problem (as a bad environment does).
    if (err instanceof PolicyError) throw new ConfigError('console', err.problems);
    throw err;
  }
  // The project is whatever compose named it (`-p` included): this container's own label says.
  const project = (await docker(['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project"}}', hostname()])).stdout.trim() || undefined;
  const lab = openLab({ inside: true, consoleTokenFile: config.CONSOLE_TOKEN_FILE, ...(project ? { project } : {}) });
  let door: Door | undefined;
  const svc = createService('console', { logLevel: config.LOG_LEVEL, guards: [{ path: '/lab/api', handler: consoleGuard(() => door!) }] });
  door = {
    hostAddresses: [...defaultGateways(readFileSync('/proc/net/route', 'utf8')), ...config.CONSOLE_ALLOW_FROM],
    edgeAddresses: edgeResolver(config.EDGE_HOST),
    token: loadOrCreateToken(config.CONSOLE_TOKEN_FILE, svc.logger),
    log: svc.logger,
  };
  svc.logger.info({ hostAddresses: door.hostAddresses }, 'the console answers loopback and these host addresses');

  const faults = new FaultBoard(lab, svc.logger);
  const loads = new Loads(lab);
  const runs = new Runs(lab);
  const controller = new Controller(lab, policy, svc.logger.child({ part: 'controller' }), svc.metrics);
  controller.start();
  const app = buildApp(svc, { lab, root: lab.root, grafanaUrl: config.GRAFANA_PUBLIC_URL.replace(/\/$/, ''), faults, loads, runs, controller });
  await svc.listen(app, {
    port: config.PORT,
    closers: [
      { name: 'controller', close: () => controller.stop() },
      // Nothing the console started outlives it: loads stop, game days roll back, faults revert.
      { name: 'loads', close: () => loads.stopAndWait() },
      { name: 'game days', close: () => runs.abortAll() },
      { name: 'faults', close: () => faults.revertAll() },
    ],
  });
});
