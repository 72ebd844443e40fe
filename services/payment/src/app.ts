// POST /charges (idempotent; approves after a simulated processor delay, declines test addresses),
// GET /charges/:chargeId and GET /charges?orderId=. Failures come from the lab's chaos, never from random code paths.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type Service } from '@surge-lab/kit';
import type { Express, Response } from 'express';
import { z } from 'zod';
import type { Charge, ChargesRepo } from './data-access/charges-repo.ts';
import { ChargeRequest, declines, fingerprint, isReplay, parseIdempotencyKey } from './domain/charge.ts';

export interface PaymentDeps {
  charges: ChargesRepo;
  /** Milliseconds the simulated processor takes for a new charge. */
  latencyMs: () => number;
}

const view = (c: Charge) => ({ chargeId: c.chargeId, status: c.status, amountCents: c.amountCents, orderId: c.orderId, createdAt: c.createdAt });
const ChargeIdParams = z.object({ chargeId: z.uuid() });
const ChargesQuery = z.strictObject({ orderId: z.uuid() });

export function buildApp(svc: Service, deps: PaymentDeps): Express {
  const captured = svc.metrics.counter('payment_charges_captured_total', 'New charges captured', []);
  const replays = svc.metrics.counter('payment_charge_replays_total', 'Requests answered from a stored charge (same Idempotency-Key)', []);
  const reused = svc.metrics.counter('payment_idempotency_key_reused_total', 'Idempotency-Key reused with a different request (422)', []);
  svc.readiness.push({ name: 'ledger', check: () => deps.charges.ping() });

  const replay = (res: Response, stored: Charge, req: ChargeRequest) => {
    if (!isReplay(stored.fingerprint, req)) {
      reused.inc();
      throw new AppError({ code: 'IDEMPOTENCY_KEY_REUSED', message: 'this Idempotency-Key was used for a different charge request', details: { chargeId: stored.chargeId } });
    }
    replays.inc();
    res.setHeader('Idempotent-Replayed', 'true').status(200).json(view(stored));
  };

  const app = svc.app();
  app.post('/charges', async (req, res) => {
    const key = parseIdempotencyKey(req.get('Idempotency-Key'));
    const body = ChargeRequest.parse(req.body);
    const existing = await deps.charges.byKey(key);
    if (existing) {
      replay(res, existing, body);
      return;
    }
    await sleep(deps.latencyMs()); // the "card network"
    if (declines(body)) throw new AppError({ code: 'PAYMENT_DECLINED', message: 'the card was declined (test address)', details: { orderId: body.orderId } });
    const chargeId = randomUUID();
    const stored = await deps.charges.insert({ chargeId, idempotencyKey: key, orderId: body.orderId, amountCents: body.amountCents, status: 'captured', fingerprint: fingerprint(body) });
    // A concurrent request with the same key may have won the insert: then this is a replay.
    if (stored.chargeId !== chargeId) {
      replay(res, stored, body);
      return;
    }
    captured.inc();
    res.status(201).location(`/charges/${chargeId}`).json(view(stored));
  });
  // An order's charges: how a merchant (the audit) checks that nothing was charged twice.
  app.get('/charges', async (req, res) => {
    const { orderId } = ChargesQuery.parse(req.query);
    res.json({ charges: (await deps.charges.forOrder(orderId)).map(view) });
  });
  app.get('/charges/:chargeId', async (req, res) => {
    const { chargeId } = ChargeIdParams.parse(req.params);
    const charge = await deps.charges.byId(chargeId);
    if (!charge) throw new AppError({ code: 'CHARGE_NOT_FOUND', message: `no charge ${chargeId}`, details: { chargeId } });
    res.json(view(charge));
  });
  return svc.finish(app);
}
