import { env, httpShape, loadConfig } from '@surge-lab/kit';
import { z } from 'zod';

export function consoleConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'console',
    {
      ...httpShape,
      /** Where the token lives (the host's .lab/ directory, mounted); created when missing. */
      CONSOLE_TOKEN_FILE: env.string().default('/lab-state/console-token'),
      /** Addresses besides loopback and the host's gateway that count as this machine (comma-separated). */
      CONSOLE_ALLOW_FROM: env
        .list()
        .pipe(z.array(z.union([z.ipv4(), z.ipv6()], 'must be IP addresses')))
        .default([]),
      /** The compose service whose X-Real-IP header names the real client. */
      EDGE_HOST: env.string().default('edge'),
      /** Grafana as the browser reaches it (links in the console). */
      GRAFANA_PUBLIC_URL: env.url().default('http://localhost:3000'),
    },
    source,
  );
}
export type ConsoleConfig = ReturnType<typeof consoleConfig>;
