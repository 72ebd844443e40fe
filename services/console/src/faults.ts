// Faults injected from the console: the chaos library's registry, each held until its duration
// ends or someone reverts it, and "reset all", which puts the whole lab back.
import { randomUUID } from 'node:crypto';
import { type ActiveFault, bringBackAll, checkArgs, FAULTS, type FaultContext, type FaultName, inject, resetAll } from '@surge-lab/chaos/faults';
import { AppError, type Logger } from '@surge-lab/kit';
import type { Lab } from '@surge-lab/lab';
import { z } from 'zod';

// db-disaster needs `docker compose` and the project's files on the host: it is offered by
// `npm run fault` and the dr-restore experiment, not by the console.
export const CONSOLE_FAULTS = (Object.keys(FAULTS) as FaultName[]).filter((f) => f !== 'db-disaster');

export function faultCatalog() {
  return CONSOLE_FAULTS.map((name) => {
    const shape = FAULTS[name].args.shape as Record<string, unknown>;
    return {
      name,
      summary: FAULTS[name].summary,
      target: 'service' in shape ? 'service' : 'link' in shape ? 'link' : null,
      args: z.toJSONSchema(FAULTS[name].args, { io: 'input', unrepresentable: 'any' }),
    };
  });
}

export const faultRequest = z.strictObject({
  fault: z.enum(CONSOLE_FAULTS as [FaultName, ...FaultName[]]),
  args: z.record(z.string(), z.unknown()).default({}),
  durationSeconds: z.number().int().min(1).max(3_600).optional(),
});

export interface HeldFault {
  id: string;
  name: string;
  kind: string;
  target: string;
  startedAt: string;
  endsAt?: string;
}

export class FaultBoard {
  private held = new Map<string, { fault: ActiveFault; view: HeldFault; timer?: NodeJS.Timeout }>();
  private readonly log: Logger;
  private readonly lab: Lab;
  constructor(lab: Lab, log: Logger) {
    this.lab = lab;
    this.log = log;
  }

  private ctx(): FaultContext {
    return { log: (line) => this.log.info(line), lab: this.lab };
  }

  list(): HeldFault[] {
    return [...this.held.values()].map((h) => h.view);
  }

  /** Validates (400 naming each bad parameter), checks the target exists, injects, and schedules the revert. */
  async inject(body: unknown): Promise<HeldFault> {
    const req = faultRequest.parse(body);
    const checked = checkArgs(req.fault, req.args);
    if (!checked.ok) {
      const details = checked.problems.map((p) => ({ field: p.path ? `args.${p.path}` : 'args', problem: p.message }));
      throw new AppError({ code: 'REQUEST_VALIDATION_FAILED', message: `invalid fault parameters: ${details.map((d) => `${d.field}: ${d.problem}`).join('; ')}`, details });
    }
    const service = checked.args.service;
    if (typeof service === 'string') {
      const services = [...new Set((await this.lab.runtime.containers({ all: true })).map((c) => c.service))].sort();
      if (!services.includes(service)) {
        throw new AppError({
          code: 'REQUEST_VALIDATION_FAILED',
          message: `invalid fault parameters: args.service: no service "${service}" in the lab`,
          details: [{ field: 'args.service', problem: `no service "${service}"; one of ${services.join(', ')}` }],
        });
      }
    }
    let fault: ActiveFault;
    try {
      fault = await inject(this.ctx(), req.fault, checked.args);
    } catch (err) {
      throw new AppError({ code: 'FAULT_NOT_APPLICABLE', message: `${req.fault} could not be injected: ${err instanceof Error ? err.message : String(err)}`, cause: err });
    }
    const id = randomUUID();
    const view: HeldFault = { id, name: fault.name, kind: fault.kind, target: fault.target, startedAt: fault.startedAt.toISOString() };
    const entry: { fault: ActiveFault; view: HeldFault; timer?: NodeJS.Timeout } = { fault, view };
    if (req.durationSeconds) {
      view.endsAt = new Date(fault.startedAt.getTime() + req.durationSeconds * 1_000).toISOString();
      entry.timer = setTimeout(() => void this.revert(id).catch(() => {}), req.durationSeconds * 1_000);
    }
    this.held.set(id, entry);
    return view;
  }

  async revert(id: string): Promise<void> {
    const h = this.held.get(id);
    if (!h) throw new AppError({ code: 'FAULT_NOT_FOUND', message: `no fault ${id} in place (already reverted?)` });
    clearTimeout(h.timer);
    try {
      await h.fault.revert();
    } catch (err) {
      this.log.error({ err, fault: h.view.name }, 'revert failed');
      throw new AppError({ code: 'FAULT_NOT_APPLICABLE', message: `reverting ${h.view.name} failed: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      this.held.delete(id);
    }
  }

  /** Reset all: every held fault reverted (newest first), every toxic removed, every stopped or paused container started. */
  async resetAll(): Promise<{ reverted: string[]; broughtBack: string[]; problems: string[] }> {
    const reverted: string[] = [];
    const problems: string[] = [];
    for (const [id, h] of [...this.held.entries()].reverse()) {
      await this.revert(id).then(
        () => reverted.push(h.view.name),
        (err: Error) => problems.push(err.message),
      );
    }
    await resetAll(this.ctx()).catch((err: Error) => problems.push(`toxiproxy reset: ${err.message}`));
    const broughtBack = await bringBackAll(this.ctx(), 120_000).catch((err: Error) => {
      problems.push(err.message);
      return [];
    });
    return { reverted, broughtBack, problems };
  }

  /** On shutdown: nothing the console injected stays behind. */
  async revertAll(): Promise<void> {
    for (const id of [...this.held.keys()].reverse()) await this.revert(id).catch(() => {});
  }
}
