// Load scenarios and their runner (autocannon).
export { formatSummary, runLoad, type LoadOptions, type LoadResult } from './run.ts';
export { SCENARIOS, type LedgerEntry, type Scenario } from './scenarios.ts';
export type { Summary } from './stats.ts';
