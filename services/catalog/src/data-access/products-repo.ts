// SQL for products. Reads go to the read-only pool (replicas); if the replica link is slow or
// down, the guard's fallback reads from the leader instead. Writes go to the leader.
import type { GuardedCall, Metrics, PgPools } from '@surge-lab/kit';
import { AppError, guard } from '@surge-lab/kit';
import type { ListQuery, ProductPatch, ProductRow } from '../domain/products.ts';

const COLUMNS = 'id, name, category, description, price_cents, stock, version';

type Query = { text: string; values: unknown[] };

export interface ProductsRepo {
  byId(id: string): Promise<ProductRow | undefined>;
  list(q: ListQuery): Promise<ProductRow[]>;
  categories(): Promise<{ name: string; count: number }[]>;
  patch(id: string, p: ProductPatch): Promise<ProductRow>;
}

export function productsRepo(pools: PgPools, metrics: Metrics, opts: { readTimeoutMs: number }): ProductsRepo {
  const primaryRead: GuardedCall<[Query], unknown[]> = guard(
    metrics,
    { name: 'catalog-db-primary-read', timeoutMs: 2_000, idempotent: true, retries: 1, capacity: 20 },
    async (_signal, q) => (await pools.rw.query(q.text, q.values)).rows,
  );
  const read: GuardedCall<[Query], unknown[]> = guard(
    metrics,
    {
      name: 'catalog-db-replica',
      timeoutMs: opts.readTimeoutMs,
      idempotent: true,
      // The fallback to the leader is this read's retry: a second try on a link that just timed
      // out doubles the wait (300 + 300 ms before the fallback) and mostly times out again.
      retries: 0,
      capacity: 20,
      fallback: (q) => primaryRead(q),
    },
    async (_signal, q) => (await pools.ro.query(q.text, q.values)).rows,
  );
  const write = guard(metrics, { name: 'catalog-db-primary-write', timeoutMs: 3_000, idempotent: false, capacity: 10 }, async (_signal, q: Query) => (await pools.rw.query(q.text, q.values)).rows);

  return {
    async byId(id) {
      const rows = (await read({ text: `SELECT ${COLUMNS} FROM products WHERE id = $1`, values: [id] })) as ProductRow[];
      return rows[0];
    },
    async list(q) {
      // Text search: escape LIKE wildcards so user input is matched literally.
      const pattern = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      return (await read({
        text: `SELECT ${COLUMNS} FROM products
               WHERE ($1::text IS NULL OR category = $1) AND ($2::text IS NULL OR name ILIKE $2) AND ($3::text IS NULL OR id > $3)
               ORDER BY id LIMIT $4`,
        values: [q.category ?? null, pattern, q.cursor ?? null, q.limit + 1],
      })) as ProductRow[];
    },
    async categories() {
      const rows = (await read({ text: 'SELECT category AS name, count(*)::int AS count FROM products GROUP BY category ORDER BY category', values: [] })) as { name: string; count: number }[];
      return rows;
    },
    async patch(id, p) {
      const rows = (await write({
        text: `UPDATE products SET price_cents = COALESCE($2, price_cents), stock = COALESCE($3, stock), version = version + 1, updated_at = now()
               WHERE id = $1 RETURNING ${COLUMNS}`,
        values: [id, p.priceCents ?? null, p.stock ?? null],
      })) as ProductRow[];
      if (!rows[0]) throw new AppError({ code: 'PRODUCT_NOT_FOUND', message: `no product ${id}`, details: { productId: id } });
      return rows[0];
    },
  };
}
