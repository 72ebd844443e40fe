// The console API's routes (under /lab/api; the guard in front of them checks origin and token).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Express } from 'express';
import { z } from 'zod';
import type { Lab } from '@surge-lab/lab';
import { AppError, type Service } from '@surge-lab/kit';
import { charts } from './charts.ts';
import { faultCatalog, type FaultBoard } from './faults.ts';
import { experiments, scenarios, type Loads, type Runs } from './sessions.ts';
import { scheduleEntry } from './scaling/policy.ts';
import type { Controller } from './scaling/controller.ts';
import { topology } from './topology.ts';

export interface ConsoleDeps {
  lab: Lab;
  root: string;
  grafanaUrl: string;
  faults: FaultBoard;
  loads: Loads;
  runs: Runs;
  controller?: Controller;
}

export function dashboards(root: string, grafanaUrl: string) {
  const dir = join(root, 'grafana', 'dashboards');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { uid: string; title: string };
    return { uid: d.uid, title: d.title, url: `${grafanaUrl}/d/${d.uid}` };
  });
}

export function buildApp(svc: Service, deps: ConsoleDeps): Express {
  const app = svc.app();
  const api = Router();
  const cachedTopology = cached(1_000, () => topology(deps.lab, (s) => deps.controller?.desired(s)));
  const boards = dashboards(deps.root, deps.grafanaUrl);

  api.get('/meta', (_req, res) => { res.json({ project: deps.lab.project, grafanaUrl: deps.grafanaUrl, dashboards: boards }); });
  api.get('/topology', async (_req, res) => { res.json(await cachedTopology()); });

  api.get('/faults/catalog', (_req, res) => { res.json(faultCatalog()); });
  api.get('/faults', (_req, res) => { res.json(deps.faults.list()); });
  api.post('/faults', async (req, res) => { res.status(201).json(await deps.faults.inject(req.body)); });
  api.delete('/faults/:id', async (req, res) => { await deps.faults.revert(req.params.id); res.json({ reverted: req.params.id }); });
  api.post('/reset', async (_req, res) => { res.json(await deps.faults.resetAll()); });

  api.get('/scenarios', (_req, res) => { res.json(scenarios()); });
  api.get('/load', (_req, res) => { res.json(deps.loads.state()); });
  api.post('/load', (req, res) => { res.status(202).json(deps.loads.start(req.body)); });
  api.delete('/load', (_req, res) => { res.json({ stopping: deps.loads.stop() }); });

  api.get('/experiments', (_req, res) => { res.json(experiments(deps.root)); });
  api.get('/runs', (_req, res) => { res.json(deps.runs.list()); });
  api.post('/runs', (req, res) => { res.status(202).json(deps.runs.start(req.body)); });
  api.get('/runs/:id', (req, res) => { res.json(deps.runs.view(req.params.id)); });
  api.get('/runs/:id/report', (req, res) => { res.type('html').send(deps.runs.report(req.params.id)); });
  api.delete('/runs/:id', (req, res) => { deps.runs.abort(req.params.id); res.json({ aborting: req.params.id }); });

  const minutes = z.coerce.number().int().min(1).max(360).default(15);
  api.get('/charts', async (req, res) => {
    const m = minutes.safeParse(req.query.minutes);
    if (!m.success) throw new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: 'minutes must be a whole number from 1 to 360', details: [{ field: 'minutes', problem: 'a whole number from 1 to 360' }] });
    res.json(await charts(deps.lab.prometheus, m.data, deps.grafanaUrl));
  });
  const controller = (): Controller => {
    if (!deps.controller) throw new AppError({ code: 'ROUTE_NOT_FOUND', message: 'the controller is not running in this console' });
    return deps.controller;
  };
  api.get('/scaling', (_req, res) => { res.json(controller().state()); });
  const modes = z.strictObject({ autoscaling: z.boolean().optional(), recovery: z.boolean().optional() });
  api.put('/scaling', (req, res) => {
    const c = controller();
    c.setModes(modes.parse(req.body));
    res.json({ autoscaling: c.autoscaling, recovery: c.recovery });
  });
  api.post('/scaling/schedule', (req, res) => {
    const c = controller();
    const r = scheduleEntry({ ...c.loadedPolicy(), schedule: c.schedule() }, req.body);
    if (!r.ok) throw new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: `invalid schedule entry: ${r.problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`, details: r.problems });
    c.addScheduleEntry(r.entry);
    res.status(201).json({ ...r.entry, when: undefined });
  });
  api.delete('/scaling/schedule/:name', (req, res) => {
    if (!controller().removeScheduleEntry(req.params.name)) throw new AppError({ code: 'ROUTE_NOT_FOUND', message: `no schedule entry "${req.params.name}" added at run time (entries of the policy file stay)` });
    res.json({ removed: req.params.name });
  });

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
      value.catch(() => { last = undefined; });
    }
    return last.value;
  };
}
