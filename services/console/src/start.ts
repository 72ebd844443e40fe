import { readFileSync } from 'node:fs';
import { createService, type Door, defaultGateways, doorGuard, hostResolver, runMain } from '@surge-lab/kit';
import { openLab, projectOf } from '@surge-lab/lab';
import { buildApp } from './app.ts';
import { loadOrCreateToken } from './auth.ts';
import { consoleConfig } from './config.ts';
import { FaultBoard } from './faults.ts';
import { Loads, Runs } from './sessions.ts';

runMain(async () => {
  const config = consoleConfig();
  // The project is whatever compose named it (`-p` included): this container's own label says.
  const project = await projectOf().catch(() => undefined);
  const lab = openLab({ inside: true, consoleTokenFile: config.CONSOLE_TOKEN_FILE, ...(project ? { project } : {}) });
  let door: Door | undefined;
  const svc = createService('console', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY, guards: [{ path: '/lab/api', handler: doorGuard(() => door!) }] });
  door = {
    name: 'console',
    hostAddresses: [...defaultGateways(readFileSync('/proc/net/route', 'utf8')), ...config.CONSOLE_ALLOW_FROM],
    edgeAddresses: hostResolver(config.EDGE_HOST),
    token: loadOrCreateToken(config.CONSOLE_TOKEN_FILE, svc.logger),
    log: svc.logger,
  };
  svc.logger.info({ hostAddresses: door.hostAddresses }, 'the console answers loopback and these host addresses');

  const faults = new FaultBoard(lab, svc.logger);
  const loads = new Loads(lab);
  const runs = new Runs(lab);
  // The controller is the autoscaler's (its own service): the console forwards its scaling routes there.
  const app = buildApp(svc, { lab, root: lab.root, grafanaUrl: config.GRAFANA_PUBLIC_URL.replace(/\/$/, ''), faults, loads, runs, autoscaler: lab.autoscaler });
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
