import { join } from 'node:path';
import { env, httpShape, loadConfig } from '@surge-lab/kit';
import { repoRoot } from '@surge-lab/lab';
import { z } from 'zod';

export function autoscalerConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'autoscaler',
    {
      ...httpShape,
      /** The console's token (the host's .lab/, mounted read-only): the autoscaler reads it, the console makes it. */
      CONSOLE_TOKEN_FILE: env.string().default('/lab-state/console-token'),
      /** Addresses besides loopback, the host's gateway and the console that may call the API (comma-separated). */
      AUTOSCALER_ALLOW_FROM: env
        .list()
        .pipe(z.array(z.union([z.ipv4(), z.ipv6()], 'must be IP addresses')))
        .default([]),
      /** The compose service whose X-Real-IP header names the real client. */
      EDGE_HOST: env.string().default('edge'),
      /** The console's compose service: its container may call (its API forwards, its jobs run the chaos runner). */
      CONSOLE_HOST: env.string().default('console'),
      /** The policy (infra/autoscaler/scaling.yaml, mounted read-only: an edit needs only an autoscaler restart). */
      SCALING_POLICY_FILE: env.string().default(join(repoRoot, 'infra', 'autoscaler', 'scaling.yaml')),
      /** Where the modes and schedule entries changed at run time are kept across restarts (unset: not kept). */
      STATE_FILE: env.string().optional(),
    },
    source,
  );
}
export type AutoscalerConfig = ReturnType<typeof autoscalerConfig>;
