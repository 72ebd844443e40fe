import { CATEGORIES } from '@surge-lab/contracts/products';
import type { Migration } from '@surge-lab/kit';

// The seed is generated in SQL from the row number, so it is deterministic and idempotent:
// 5,000 products over the contract's categories; the first 20 are the "hot" flash-sale items with little stock.
const words = {
  adj: ['Swift', 'Bold', 'Quiet', 'Bright', 'Rugged', 'Compact', 'Classic', 'Nimble', 'Sturdy', 'Vivid', 'Smart', 'Cozy', 'Sleek', 'Lunar', 'Solar', 'Arctic', 'Urban', 'Wild', 'Prime', 'Zen'],
  noun: [
    'Kettle',
    'Lamp',
    'Backpack',
    'Speaker',
    'Notebook',
    'Blender',
    'Tent',
    'Headphones',
    'Mug',
    'Chair',
    'Drone',
    'Puzzle',
    'Planter',
    'Jacket',
    'Bottle',
    'Watch',
    'Keyboard',
    'Skillet',
    'Yoga Mat',
    'Lantern',
    'Novel',
    'Kite',
    'Desk',
    'Rake',
    'Racket',
  ],
};
const arr = (xs: readonly string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;

export const catalogMigrations: Migration[] = [
  {
    version: 1,
    name: 'products',
    sql: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE TABLE products (
        id text PRIMARY KEY,
        name text NOT NULL,
        category text NOT NULL,
        description text NOT NULL,
        price_cents integer NOT NULL CHECK (price_cents > 0),
        stock integer NOT NULL CHECK (stock >= 0),
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX products_category_id ON products (category, id);
      CREATE INDEX products_name_trgm ON products USING gin (name gin_trgm_ops);`,
  },
  {
    version: 2,
    name: 'seed 5000 products',
    sql: `
      INSERT INTO products (id, name, category, description, price_cents, stock)
      SELECT format('p-%s', lpad(i::text, 5, '0')),
             (${arr(words.adj)})[1 + (i * 7) % 20] || ' ' || (${arr(words.noun)})[1 + (i * 13) % 25] || ' ' || (100 + i),
             (${arr(CATEGORIES)})[1 + i % ${CATEGORIES.length}],
             'Model ' || (100 + i) || ': a dependable pick, built to last through every sale.',
             499 + (i * 7919) % 20000,
             CASE WHEN i <= 20 THEN 25 ELSE 100 + (i * 31) % 900 END
      FROM generate_series(1, 5000) AS i
      ON CONFLICT (id) DO NOTHING;`,
  },
];
