// The autoscaler's API (under /lab/autoscaler; the door in front of it checks origin and token):
// the controller's state, its modes, and the schedule entries added at run time. The shapes are
// the contract's (@surge-lab/contracts/autoscaler). The app never listens by itself: start.ts
// (or a test) does.

import type { ScalingModes, ScheduleEntryAdded } from '@surge-lab/contracts/autoscaler';
import { AppError, type Service } from '@surge-lab/kit';
import { type Express, Router } from 'express';
import { z } from 'zod';
import type { Controller } from './controller.ts';
import { scheduleEntry } from './domain/policy.ts';

/** Where the API lives, in this service as behind the edge (which passes the path on unchanged). */
export const API_PATH = '/lab/autoscaler';

export interface AutoscalerDeps {
  controller: Controller;
}

const modes = z.strictObject({ autoscaling: z.boolean().optional(), recovery: z.boolean().optional(), scheduleFloors: z.boolean().optional(), forecastFloors: z.boolean().optional() });

export function buildApp(svc: Service, deps: AutoscalerDeps): Express {
  const app = svc.app();
  const api = Router();
  const c = deps.controller;

  api.get('/state', (_req, res) => {
    res.json(c.state());
  });
  api.put('/modes', (req, res) => {
    c.setModes(modes.parse(req.body));
    res.json(c.modes() satisfies ScalingModes);
  });
  api.post('/schedule', (req, res) => {
    const r = scheduleEntry({ ...c.loadedPolicy(), schedule: c.schedule() }, req.body);
    if (!r.ok) throw new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: `invalid schedule entry: ${r.problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`, details: r.problems });
    c.addScheduleEntry(r.entry);
    const { when: _when, ...added } = r.entry;
    res.status(201).json(added satisfies ScheduleEntryAdded);
  });
  api.delete('/schedule/:name', (req, res) => {
    if (!c.removeScheduleEntry(req.params.name)) throw new AppError({ code: 'ROUTE_NOT_FOUND', message: `no schedule entry "${req.params.name}" added at run time (entries of the policy file stay)` });
    res.json({ removed: req.params.name });
  });

  app.use(API_PATH, api);
  return svc.finish(app);
}
