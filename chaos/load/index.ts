// Load scenarios and their runner (autocannon).
export { formatSummary, type LoadOptions, type LoadResult, runLoad } from './run.ts';
export { type LedgerEntry, SCENARIOS, type Scenario } from './scenarios.ts';
export type { Summary } from './stats.ts';
