// The integrity audit: a load's ledger against the live system.
export { audit, formatAudit, type AuditOptions } from './audit.ts';
export { loadBaseline, recordOverride, saveBaseline, takeBaseline, type Baseline } from './baseline.ts';
