// The region controller (lab plane, profile multi-region): detects the loss of the primary region
// through the WAN and promotes the other once the lost one can no longer acknowledge writes: its
// leader key expired in the DCS majority (docs/regions.md). It holds the Docker socket to set the members' tags and to promote Redis.
import { createService, runMain, startLoop } from '@surge-lab/kit';
import { openLab, projectOf } from '@surge-lab/lab';
import { regionControllerConfig } from './config.ts';
import { RegionController } from './controller.ts';
import { startHeartbeat } from './heartbeat.ts';

runMain(async () => {
  const config = regionControllerConfig();
  const project = await projectOf().catch(() => undefined);
  const lab = openLab({ inside: true, ...(project ? { project } : {}) });
  const svc = createService('region-controller', { logLevel: config.LOG_LEVEL, logSuccessEvery: config.LOG_SUCCESS_EVERY });
  const controller = new RegionController(lab, { confirmMs: config.REGION_CONFIRM_MS, act: config.REGION_FAILOVER }, svc.logger.child({ part: 'controller' }), svc.metrics);
  const loop = startLoop({ name: 'regions', intervalMs: config.REGION_TICK_MS, logger: svc.logger, run: async () => void (await controller.tick()) });
  const heartbeat = startHeartbeat({
    db: { user: config.PG_USER, password: config.PG_PASSWORD, database: config.PG_DATABASE },
    leader: () => controller.leader(),
    intervalMs: config.HEARTBEAT_MS,
    logger: svc.logger,
  });
  const app = svc.app();
  app.get('/state', (_req, res) => {
    res.json(controller.state());
  });
  await svc.listen(svc.finish(app), {
    port: config.PORT,
    closers: [
      { name: 'regions loop', close: () => loop.stop() },
      { name: 'heartbeat', close: () => heartbeat.stop() },
    ],
  });
});
