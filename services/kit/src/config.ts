// Config from the environment, validated once at start. Every problem is collected and reported
// together, naming the variable, so a misconfigured container says everything wrong in one line.
import { z } from 'zod';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(service: string, problems: string[]) {
    super(`${service}: invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Helpers for common variable kinds (env values are strings). */
export const env = {
  string: () => z.string().min(1, 'must not be empty'),
  int: (min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int('must be an integer').min(min).max(max),
  port: () => z.coerce.number().int('must be an integer').min(1).max(65535),
  url: () => z.string().url('must be a URL'),
  oneOf: <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]], { message: `must be one of ${values.join(', ')}` }),
  bool: () => z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
  hostPort: () => z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port'),
  list: () =>
    z.string().transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
};

export function loadConfig<S extends z.ZodRawShape>(service: string, shape: S, source: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const name = i.path.join('.');
    const value = source[name];
    return value === undefined ? `${name} is required (${i.message})` : `${name}=${JSON.stringify(value)}: ${i.message}`;
  });
  throw new ConfigError(service, problems);
}
