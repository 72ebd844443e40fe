// Judging a measured value against a probe's tolerance, and saying the tolerance in words.
import type { Tolerance } from './experiment.ts';

export interface HttpValue {
  status: number;
  headers: Record<string, string>;
}
export type Measured = number | HttpValue | null;

export function describeTolerance(t: Tolerance): string {
  const parts: string[] = [];
  if (t.status) parts.push(`status in [${t.status.join(', ')}]`);
  if (t.header) parts.push(t['header-matches'] ? `header ${t.header} matching /${t['header-matches']}/` : `header ${t.header} present`);
  if (t['at-most'] !== undefined) parts.push(`≤ ${t['at-most']}`);
  if (t['at-least'] !== undefined) parts.push(`≥ ${t['at-least']}`);
  if (t.below !== undefined) parts.push(`< ${t.below}`);
  if (t.above !== undefined) parts.push(`> ${t.above}`);
  if (t.equals !== undefined) parts.push(`= ${t.equals}`);
  if (t.between) parts.push(`between ${t.between[0]} and ${t.between[1]}`);
  return parts.join(' and ');
}

/** True when `value` satisfies every bound of `t`. A missing value (null) satisfies nothing. */
export function withinTolerance(t: Tolerance, value: Measured): boolean {
  if (value === null || (typeof value === 'number' && Number.isNaN(value))) return false;
  if (typeof value === 'object') {
    if (t.status && !t.status.includes(value.status)) return false;
    if (t.header) {
      const v = Object.entries(value.headers).find(([h]) => h.toLowerCase() === t.header!.toLowerCase())?.[1];
      if (v === undefined) return false;
      if (t['header-matches'] && !new RegExp(t['header-matches']).test(v)) return false;
    }
    return true;
  }
  if (t['at-most'] !== undefined && !(value <= t['at-most'])) return false;
  if (t['at-least'] !== undefined && !(value >= t['at-least'])) return false;
  if (t.below !== undefined && !(value < t.below)) return false;
  if (t.above !== undefined && !(value > t.above)) return false;
  if (t.equals !== undefined && value !== t.equals) return false;
  if (t.between && !(value >= Math.min(...t.between) && value <= Math.max(...t.between))) return false;
  return true;
}

export function describeValue(value: Measured): string {
  if (value === null) return 'no value';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  // The headers a resilience probe is usually about.
  const shown = Object.entries(value.headers)
    .filter(([k]) => /^(retry-after|x-cache-status)$/i.test(k))
    .map(([k, v]) => `${k}: ${v}`);
  return `${value.status}${shown.length ? ` (${shown.join(', ')})` : ''}`;
}
