// The autoscaler: the lab's controller (autoscaling and auto-recovery) as its own service. It
// holds the Docker socket to act (new replicas, graceful scale-ins, restarts of hung
// containers), exports what it decides as metrics, and answers its API to this machine and the
// console only, with the console's token.
import { readFileSync } from 'node:fs';
import { ConfigError, createService, type Door, defaultGateways, doorGuard, fileToken, hostResolver, runMain } from '@surge-lab/kit';
import { formatProblem, openLab, projectOf, repoRoot, ValidationError } from '@surge-lab/lab';
import { API_PATH, buildApp } from './app.ts';
import { autoscalerConfig } from './config.ts';
import { Controller } from './controller.ts';
import { parsePolicy, type ScalingPolicy } from './domain/policy.ts';
import { fileStateStore } from './state-store.ts';

runMain(async () => {
  const config = autoscalerConfig();
  const policyFile = config.SCALING_POLICY_FILE;
  let policy: ScalingPolicy;
  try {
    policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile.replace(`${repoRoot}/`, ''));
  } catch (err) {
    // A bad policy stops the autoscaler at start, naming each problem (as a bad environment does).
    if (!(err instanceof ValidationError)) throw err;
    throw new ConfigError(
      'autoscaler',
      err.problems.map((p) => formatProblem(err.source, p)),
    );
  }
  // The project is whatever compose named it (`-p` included): this container's own label says.
  const project = await projectOf().catch(() => undefined);
  const lab = openLab({ inside: true, consoleTokenFile: config.CONSOLE_TOKEN_FILE, ...(project ? { project } : {}) });
  let door: Door | undefined;
  const svc = createService('autoscaler', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY, guards: [{ path: API_PATH, handler: doorGuard(() => door!) }] });
  door = {
    name: 'autoscaler',
    answers: 'this machine and the console only',
    hostAddresses: [...defaultGateways(readFileSync('/proc/net/route', 'utf8')), ...config.AUTOSCALER_ALLOW_FROM],
    edgeAddresses: hostResolver(config.EDGE_HOST),
    trustedAddresses: hostResolver(config.CONSOLE_HOST),
    // The console makes the token; until it exists every call is a 401.
    token: fileToken(config.CONSOLE_TOKEN_FILE),
    log: svc.logger,
  };
  svc.logger.info({ hostAddresses: door.hostAddresses, console: config.CONSOLE_HOST, project: lab.project }, 'the autoscaler answers loopback, these host addresses and the console');

  const store = config.STATE_FILE ? fileStateStore(config.STATE_FILE, svc.logger) : undefined;
  const controller = new Controller(lab, policy, svc.logger.child({ part: 'controller' }), svc.metrics, store ? { store } : {});
  controller.start();
  const app = buildApp(svc, { controller });
  await svc.listen(app, {
    port: config.PORT,
    // A scale-in under way finishes (its replica drained and removed) before the process ends.
    closers: [{ name: 'controller', close: () => controller.stop() }],
  });
});
