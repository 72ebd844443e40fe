// The page's Scaling section talks to the console only: its /lab/api/scaling routes are passed on
// to the autoscaler (its own service, services/autoscaler) with the token, and its answers come
// back as they are (a 400 names the bad fields for the form). When the autoscaler is down the
// console keeps serving: these routes answer 503, and the topology shows no desired counts.

import type { ControllerState } from '@surge-lab/contracts/autoscaler';
import { AppError } from '@surge-lab/kit';
import type { AutoscalerClient, Relayed } from '@surge-lab/lab';
import { type Request, type RequestHandler, Router } from 'express';

export function scalingRoutes(autoscaler: AutoscalerClient): Router {
  const router = Router();
  const relay =
    (method: string, path: (req: Request) => string): RequestHandler =>
    async (req, res) => {
      const requestId = (req as { id?: unknown }).id;
      let answer: Relayed;
      try {
        answer = await autoscaler.relay(method, path(req), req.body, typeof requestId === 'string' ? { 'x-request-id': requestId } : {});
      } catch (err) {
        const timeout = err instanceof Error && err.name === 'TimeoutError';
        throw new AppError({
          code: timeout ? 'DEPENDENCY_TIMEOUT' : 'DEPENDENCY_UNAVAILABLE',
          retryAfter: 2,
          cause: err,
          message: `the autoscaler ${timeout ? 'did not answer in time' : 'is not reachable'} (${err instanceof Error ? err.message : String(err)}); the console goes on without it`,
        });
      }
      // Its door refusing the console is the lab's misconfiguration, not the page's token: not a 401 to the page.
      if (answer.status === 401 || answer.status === 403) {
        throw new AppError({ code: 'DEPENDENCY_UNAVAILABLE', retryAfter: 2, message: `the autoscaler refused the console (${answer.status}): ${answer.body.slice(0, 300)}` });
      }
      res.status(answer.status).type(answer.contentType).send(answer.body);
    };
  router.get(
    '/scaling',
    relay('GET', () => '/state'),
  );
  router.put(
    '/scaling',
    relay('PUT', () => '/modes'),
  );
  router.post(
    '/scaling/schedule',
    relay('POST', () => '/schedule'),
  );
  router.delete(
    '/scaling/schedule/:name',
    relay('DELETE', (req) => `/schedule/${encodeURIComponent(String(req.params.name))}`),
  );
  return router;
}

/** Each service's desired replica count as the autoscaler decided it; none when it does not answer within `timeoutMs`. */
export async function desiredCounts(autoscaler: AutoscalerClient, timeoutMs = 1_500): Promise<(service: string) => number | undefined> {
  const state = await autoscaler.state<ControllerState>({ timeoutMs }).catch(() => undefined);
  const desired = new Map((state?.services ?? []).flatMap((v) => (v.decision ? [[v.service as string, v.decision.desired] as const] : [])));
  return (service) => desired.get(service);
}
