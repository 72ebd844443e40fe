// Load scenarios and their runner (autocannon).
export { formatSummary, type LoadOptions, type LoadResult, restock, runLoad, setStock } from './run.ts';
export { JOURNEY_PRODUCTS, type LedgerEntry, SCENARIOS, type Scenario } from './scenarios.ts';
export type { Summary } from './stats.ts';
