// The integrity audit: a load's ledger against the live system.
export { type AuditOptions, audit, formatAudit } from './audit.ts';
export { type Baseline, loadBaseline, recordOverride, saveBaseline, takeBaseline } from './baseline.ts';
