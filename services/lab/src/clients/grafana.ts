// Grafana annotations (regions for experiments, fault windows and autoscaler actions), written
// through its HTTP API when Grafana is reachable. Anonymous users are editors in this lab.
import { jsonCall } from './http.ts';

export interface Annotator {
  /** Starts a region; returns a function that closes it. Never throws: annotations are a nicety. */
  region(text: string, tags: string[], start: Date): Promise<(end: Date) => Promise<void>>;
  /** A point annotation. Never throws. */
  point(text: string, tags: string[], at?: Date): Promise<void>;
  readonly available: boolean;
}

export const noAnnotations: Annotator = { available: false, region: async () => async () => {}, point: async () => {} };

/** Tags every annotation carries, so one dashboard query finds them all. */
export const LAB_TAG = 'surge-lab';

/** `tags` go on every annotation this annotator writes (e.g. `chaos`, `autoscaler`). */
export async function grafanaAnnotator(base: string, log: (l: string) => void, o: { tags?: string[] } = {}): Promise<Annotator> {
  const own = [LAB_TAG, ...(o.tags ?? [])];
  const healthy = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!healthy) {
    log(`[grafana] not reachable at ${base}: no annotations`);
    return noAnnotations;
  }
  const call = (method: string, path: string, body: unknown) => jsonCall<{ id?: number }>('grafana', `${base}${path}`, { method, body, timeoutMs: 3_000 });
  return {
    available: true,
    async region(text, tags, start) {
      try {
        const { id } = await call('POST', '/api/annotations', { time: start.getTime(), tags: [...own, ...tags], text });
        return async (end) => {
          await call('PATCH', `/api/annotations/${id}`, { timeEnd: end.getTime() }).catch((err: Error) => log(`[grafana] closing annotation: ${err.message}`));
        };
      } catch (err) {
        log(`[grafana] annotation not written: ${(err as Error).message}`);
        return async () => {};
      }
    },
    async point(text, tags, at = new Date()) {
      await call('POST', '/api/annotations', { time: at.getTime(), tags: [...own, ...tags], text }).catch((err: Error) => log(`[grafana] annotation not written: ${err.message}`));
    },
  };
}
