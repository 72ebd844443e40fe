// Chaos annotations in Grafana (experiment and fault windows), written through its HTTP API
// when Grafana is reachable. Anonymous users are editors in this localhost lab.
import { labUrl } from '../../infra/lab/compose.ts';

export interface Annotator {
  /** Starts a region; returns a function that closes it. Never throws: annotations are a nicety. */
  region(text: string, tags: string[], start: Date): Promise<(end: Date) => Promise<void>>;
  readonly available: boolean;
}

export async function grafanaAnnotator(log: (l: string) => void, base = labUrl('grafana')): Promise<Annotator> {
  const healthy = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
  if (!healthy) {
    log(`[grafana] not reachable at ${base}: no annotations (the JSON journal and HTML report still have every window)`);
    return { available: false, region: async () => async () => {} };
  }
  const call = async (method: string, path: string, body: unknown) => {
    const r = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(3_000) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id?: number };
  };
  return {
    available: true,
    async region(text, tags, start) {
      try {
        const { id } = await call('POST', '/api/annotations', { time: start.getTime(), tags: ['surge-lab', 'chaos', ...tags], text });
        return async (end) => {
          await call('PATCH', `/api/annotations/${id}`, { timeEnd: end.getTime() }).catch((err: Error) => log(`[grafana] closing annotation: ${err.message}`));
        };
      } catch (err) {
        log(`[grafana] annotation not written: ${(err as Error).message}`);
        return async () => {};
      }
    },
  };
}
