import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { AUTOSCALER_TAG, CHAOS_TAG, GRID_COLUMNS } from '../../src/builders.ts';
import { DASHBOARDS, DASHBOARDS_DIR, fileName, generate, outOfDate, render } from '../../src/dashboards.ts';

// The provisioned dashboards (grafana/dashboards/*.json) are the output of the TypeScript generator
// (grafana/src, `npm run dashboards`): generated here in memory and compared with the checked-in files,
// so an edit to one without the other fails `npm run test:unit`.

const onDisk = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe("the checked-in dashboards are the generator's output", () => {
  test('grafana/dashboards holds exactly the generated dashboards (none hand-written, none missing)', () => {
    expect(onDisk).toEqual(DASHBOARDS.map(fileName).sort());
  });

  test.each(DASHBOARDS.map((d) => ({ file: fileName(d), d })))('$file equals what `npm run dashboards` writes', ({ file, d }) => {
    const text = readFileSync(join(DASHBOARDS_DIR, file), 'utf8');
    // Structure first (a readable diff of what differs), then the exact text (formatting, key order).
    expect(JSON.parse(text), `${file} differs: run npm run dashboards`).toEqual(JSON.parse(render(d)));
    expect(text, `${file} is formatted differently: run npm run dashboards`).toBe(render(d));
  });

  test('outOfDate() finds nothing to do', () => {
    expect(outOfDate()).toEqual([]);
  });
});

describe('every generated dashboard', () => {
  test('has a unique uid and title', () => {
    expect(new Set(DASHBOARDS.map((d) => d.uid)).size).toBe(DASHBOARDS.length);
    expect(new Set(DASHBOARDS.map((d) => d.title)).size).toBe(DASHBOARDS.length);
  });

  test.each(DASHBOARDS.map((d) => ({ uid: d.uid, d })))('$uid draws the chaos and autoscaler annotations (Grafana tag queries)', ({ d }) => {
    const tagQueries = d.annotations.list.filter((a) => a.target?.type === 'tags' && a.enable);
    expect(tagQueries.map((a) => a.target?.tags)).toEqual(expect.arrayContaining([[CHAOS_TAG], [AUTOSCALER_TAG]]));
  });

  test.each(DASHBOARDS.map((d) => ({ uid: d.uid, d })))('$uid: panel ids are unique and panels sit on the grid without overlapping', ({ d }) => {
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
    const cells = new Map<string, string>();
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(GRID_COLUMNS);
      for (let cx = x; cx < x + w; cx++) {
        for (let cy = y; cy < y + h; cy++) {
          const other = cells.get(`${cx},${cy}`);
          expect(other, `"${p.title}" overlaps "${other}"`).toBeUndefined();
          cells.set(`${cx},${cy}`, p.title);
        }
      }
    }
  });

  test.each(DASHBOARDS.map((d) => ({ uid: d.uid, d })))('$uid: every panel queries the Prometheus datasource, targets A, B, C…', ({ d }) => {
    for (const p of d.panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: 'prometheus' });
      expect(
        p.targets.map((t) => t.refId),
        p.title,
      ).toEqual(p.targets.map((_, i) => String.fromCharCode(65 + i)));
      for (const t of p.targets) expect(t.expr.trim(), p.title).not.toBe('');
    }
  });
});

describe('the comparison is not vacuous', () => {
  const dir = mkdtempSync(join(tmpdir(), 'surge-dashboards-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a changed query, a reformatted file, a missing and a hand-written file are each reported', () => {
    cpSync(DASHBOARDS_DIR, dir, { recursive: true });
    const [first, second, third] = [...generate().keys()];
    const changed = JSON.parse(readFileSync(join(dir, first!), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    changed.panels[0]!.targets[0]!.expr = 'up';
    writeFileSync(join(dir, first!), `${JSON.stringify(changed, null, 2)}\n`);
    writeFileSync(join(dir, second!), JSON.stringify(JSON.parse(readFileSync(join(dir, second!), 'utf8')))); // same JSON, one line
    rmSync(join(dir, third!));
    writeFileSync(join(dir, 'hand-made.json'), '{}\n');
    expect(outOfDate(dir)).toEqual([
      `${first}: differs from the generator's output`,
      `${second}: differs from the generator's output`,
      `${third}: missing`,
      'hand-made.json: not generated (hand-written, or left over from a removed dashboard)',
    ]);
  });
});
