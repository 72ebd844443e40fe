// A small closed-loop load for live tests: `workers` loops run `step` until stopped, and every
// failure (network error or unexpected status) is recorded with what it was.
export interface LoadResult {
  ok: number;
  failures: string[];
}

export function runLoad(workers: number, step: (i: number) => Promise<string | undefined>) {
  let running = true;
  const result: LoadResult = { ok: 0, failures: [] };
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; running; i++) {
      try {
        const problem = await step(w * 1_000_000 + i);
        if (problem) result.failures.push(problem);
        else result.ok++;
      } catch (err) {
        result.failures.push(`network: ${(err as Error).message}`);
      }
    }
  });
  return {
    result,
    async stop(): Promise<LoadResult> {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
