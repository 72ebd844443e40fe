// The console API's routes (under /lab/api; the guard in front of them checks origin and token).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, type Service } from '@surge-lab/kit';
import type { AutoscalerClient, Lab } from '@surge-lab/lab';
import { type Express, Router } from 'express';
import { z } from 'zod';
import { charts } from './charts.ts';
import { type FaultBoard, faultCatalog } from './faults.ts';
import { regionsView } from './regions.ts';
import { desiredCounts, scalingRoutes } from './scaling.ts';
import { experiments, type Loads, type Runs, scenarios } from './sessions.ts';
import { topology } from './topology.ts';

export interface ConsoleDeps {
  lab: Lab;
  root: string;
  grafanaUrl: string;
  faults: FaultBoard;
  loads: Loads;
  runs: Runs;
  /** The autoscaler's API: the scaling routes are forwarded there, desired counts come from there. */
  autoscaler: AutoscalerClient;
}

export function dashboards(root: string, grafanaUrl: string) {
  const dir = join(root, 'grafana', 'dashboards');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { uid: string; title: string };
      return { uid: d.uid, title: d.title, url: `${grafanaUrl}/d/${d.uid}` };
    });
}

export function buildApp(svc: Service, deps: ConsoleDeps): Express {
  const app = svc.app();
  const api = Router();
  const cachedTopology = cached(1_000, () => topology(deps.lab, () => desiredCounts(deps.autoscaler)));
  const boards = dashboards(deps.root, deps.grafanaUrl);

  api.get('/meta', (_req, res) => {
    res.json({ project: deps.lab.project, grafanaUrl: deps.grafanaUrl, dashboards: boards });
  });
  api.get('/topology', async (_req, res) => {
    res.json(await cachedTopology());
  });

  // The region switchover and the region losses are faults (POST /faults): one board, one log.
  const cachedRegions = cached(1_000, () => regionsView(deps.lab));
  api.get('/regions', async (_req, res) => {
    res.json(await cachedRegions());
  });

  api.get('/faults/catalog', (_req, res) => {
    res.json(faultCatalog());
  });
  api.get('/faults', (_req, res) => {
    res.json(deps.faults.list());
  });
  api.post('/faults', async (req, res) => {
    res.status(201).json(await deps.faults.inject(req.body));
  });
  api.delete('/faults/:id', async (req, res) => {
    await deps.faults.revert(req.params.id);
    res.json({ reverted: req.params.id });
  });
  api.post('/reset', async (_req, res) => {
    res.json(await deps.faults.resetAll());
  });

  api.get('/scenarios', (_req, res) => {
    res.json(scenarios());
  });
  api.get('/load', (_req, res) => {
    res.json(deps.loads.state());
  });
  api.post('/load', (req, res) => {
    res.status(202).json(deps.loads.start(req.body));
  });
  api.delete('/load', (_req, res) => {
    res.json({ stopping: deps.loads.stop() });
  });

  api.get('/experiments', (_req, res) => {
    res.json(experiments(deps.root));
  });
  api.get('/runs', (_req, res) => {
    res.json(deps.runs.list());
  });
  api.post('/runs', (req, res) => {
    res.status(202).json(deps.runs.start(req.body));
  });
  api.get('/runs/:id', (req, res) => {
    res.json(deps.runs.view(req.params.id));
  });
  api.get('/runs/:id/report', (req, res) => {
    res.type('html').send(deps.runs.report(req.params.id));
  });
  api.delete('/runs/:id', (req, res) => {
    deps.runs.abort(req.params.id);
    res.json({ aborting: req.params.id });
  });

  const minutes = z.coerce.number().int().min(1).max(360).default(15);
  api.get('/charts', async (req, res) => {
    const m = minutes.safeParse(req.query.minutes);
    if (!m.success)
      throw new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: 'minutes must be a whole number from 1 to 360', details: [{ field: 'minutes', problem: 'a whole number from 1 to 360' }] });
    res.json(await charts(deps.lab.prometheus, m.data, deps.grafanaUrl));
  });
  api.use(scalingRoutes(deps.autoscaler));

  app.use('/lab/api', api);
  return svc.finish(app);
}

/** The last answer for `ms`: several open consoles cost one `docker ps` a second, not one each. */
function cached<T>(ms: number, fn: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ms) {
      const value = fn();
      last = { at: Date.now(), value };
      value.catch(() => {
        last = undefined;
      });
    }
    return last.value;
  };
}
