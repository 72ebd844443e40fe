// An external provider's own ledger (the payment provider's charges, the carrier's shipments): SQLite
// in a file on the provider's volume, so the provider keeps no state in either region's database
// and outlives both. Its replicas share the file: WAL mode (readers never wait for the writer, one
// writer at a time) and a busy wait for the lock; synchronous NORMAL keeps a commit through a crash
// of the process (it is in the WAL) with an fsync per checkpoint, not per write.
// A subpath of the kit (@surge-lab/kit/ledger): only the providers load node:sqlite.
import { DatabaseSync } from 'node:sqlite';

export type Ledger = DatabaseSync;

/** Opens (creating it and its tables) the ledger at `path`; `:memory:` for a private one. */
export function openLedger(path: string, schema: string, o: { busyTimeoutMs?: number } = {}): Ledger {
  const db = new DatabaseSync(path, { timeout: o.busyTimeoutMs ?? 2_000 });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(schema);
  return db;
}
