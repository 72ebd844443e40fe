import { describe, expect, test } from 'vitest';
import type { Journal, LoadTick } from '../../runner/journal.ts';
import { renderReport } from '../../runner/report/document.ts';

// A 90 s game day: load from +2 s, payments paused +12..+22 s, the Postgres primary killed
// +30..+75 s (failover takes ~8 s), one probe failing during the kill, an audit that finds
// two orders charged twice.
const T0 = Date.parse('2025-06-14T10:00:00.000Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

function timeline(): LoadTick[] {
  const ticks: LoadTick[] = [];
  for (let t = 1; t <= 86; t++) {
    const x = t + 2; // seconds since the experiment start
    let requests = 200 + ((t * 37) % 21) - 10;
    let errors = (t * 13) % 50 === 0 ? 1 : 0;
    let p50 = 12 + (t % 5);
    let p99 = 80 + ((t * 7) % 30);
    if (x > 12 && x <= 22) {
      errors = Math.round(requests * 0.25);
      p99 = 1800;
      p50 = 40;
    }
    if (x > 30 && x <= 39) {
      requests = 60;
      errors = 45;
      p99 = 5000;
      p50 = 900;
    } else if (x > 39 && x <= 75) {
      p99 = 400;
      p50 = 25;
    }
    ticks.push({ t, requests, errors, p50, p99, byStatus: errors ? { 503: errors } : {} });
  }
  return ticks;
}

function journal(): Journal {
  return {
    experiment: { title: 'Kill the Postgres primary under a surge', description: 'Orders keep flowing while the replica is promoted.', file: 'chaos/experiments/db-primary-kill.yaml' },
    startedAt: iso(0),
    endedAt: iso(90),
    status: 'fail',
    verdict: 'The checkout p99 probe failed during the primary kill and the audit found 2 orders charged twice.',
    faults: [
      { name: 'pause-payments', kind: 'pause', target: 'payments', start: iso(12), end: iso(22) },
      { name: 'kill-postgres-primary', kind: 'kill', target: 'postgres-primary', start: iso(30), end: iso(75) },
    ],
    probes: [
      { name: 'catalog answers', type: 'http', phase: 'before', value: 200, tolerance: 'status in [200]', ok: true, at: iso(1) },
      { name: 'error ratio', type: 'prometheus', phase: 'before', value: 0.001, tolerance: '< 0.01', ok: true, at: iso(1.2) },
      { name: 'checkout p99', type: 'prometheus', phase: 'during', value: 2.4, tolerance: '< 1.5 s', ok: false, detail: 'p99 over the last 30 s', at: iso(45) },
      { name: 'catalog answers', type: 'http', phase: 'after', value: 200, tolerance: 'status in [200]', ok: true, at: iso(84) },
    ],
    monitors: [
      {
        name: 'checkout',
        description: 'checkout through the edge every 200 ms',
        attempts: 440,
        failures: 38,
        longestOutageSeconds: 8.4,
        outages: [
          { start: iso(13), end: iso(14.2), seconds: 1.2 },
          { start: iso(30.6), end: iso(39), seconds: 8.4 },
        ],
      },
    ],
    load: {
      name: 'surge through the failover',
      scenario: 'surge',
      startedAt: iso(2),
      summary: {
        requests: 16_812,
        ok: 16_190,
        rejected: 12,
        throughput: 195.5,
        latencyMs: { p50: 14.2, p90: 61.8, p99: 1790, p999: 4980, max: 5012.7 },
        serviceTimeMs: { p50: 12.9, p90: 40.1, p99: 812.5, p999: 3010, max: 5012.7 },
        latencyMethod: "from each request's intended send time",
        byStatus: { 200: 16_190, 409: 12, 503: 598 },
        errors: { 503: 598, ECONNRESET: 12 },
      },
      timeline: timeline(),
      ledgerFile: 'reports/chaos/db-primary-kill/ledger.jsonl',
      acknowledgedOrders: 3120,
    },
    audit: {
      ok: false,
      at: iso(89),
      ledgerOrders: 3120,
      checks: [
        { name: 'acknowledged orders exist', checked: 3120, failed: 0, ok: true, examples: [] },
        { name: 'no order charged twice', checked: 3120, failed: 2, ok: false, examples: ['o-1042 charged 2×', 'o-2210 charged 2×'], note: 'payments retried after the primary was killed' },
        { name: 'stock never negative', checked: 40, failed: 0, ok: true, examples: [] },
      ],
    },
    measurements: { rtoSeconds: 8.4, rpoOrders: 0, failover: 'replica promoted by the runner' },
    events: [
      { at: iso(0), kind: 'run', message: 'experiment started' },
      { at: iso(1), kind: 'probe', message: 'before: catalog answers ok (200)' },
      { at: iso(2), kind: 'load', message: 'load surge started', data: { connections: 16, rate: 200 } },
      { at: iso(12), kind: 'fault', message: 'paused payments' },
      { at: iso(22), kind: 'rollback', message: 'unpaused payments' },
      { at: iso(30), kind: 'fault', message: 'killed postgres-primary' },
      { at: iso(45), kind: 'probe', message: 'during: checkout p99 2.4 s, tolerance < 1.5 s' },
      { at: iso(75), kind: 'rollback', message: 'started postgres-primary' },
      { at: iso(88), kind: 'load', message: 'load finished' },
      { at: iso(89), kind: 'audit', message: 'audit failed: 2 orders charged twice' },
      { at: iso(90), kind: 'run', message: 'experiment finished: fail' },
    ],
  };
}

// --- small readers for the generated markup -----------------------------------------------

function attrs(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}
function charts(html: string): { id: string; svg: string }[] {
  return [...html.matchAll(/<svg class="chart" id="([^"]+)"[\s\S]*?<\/svg>/g)].map((m) => ({ id: m[1]!, svg: m[0] }));
}
function elements(svg: string, tag: string, cls: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${tag} class="${cls}"[^>]*>`, 'g'))].map((m) => attrs(m[0]));
}
function plotArea(svg: string) {
  const a = elements(svg, 'rect', 'plot-area')[0]!;
  return { x: Number(a.x), y: Number(a.y), width: Number(a.width), height: Number(a.height) };
}
/** Points of a series path, in SVG units. */
function pathPoints(svg: string, series: string): [number, number][] {
  const p = elements(svg, 'path', 'series').find((a) => a['data-series'] === series)!;
  return [...p.d!.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}
/** The <tr> whose text contains `text`. */
function row(html: string, text: string): string {
  const r = [...html.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((m) => m[0]).find((t) => t.includes(text));
  expect(r, `a table row containing ${text}`).toBeDefined();
  return r!;
}

describe('game day report', () => {
  test('the verdict badge shows the status, coloured by status, with the verdict sentence and any abort reason', () => {
    const html = renderReport(journal());
    expect(html).toMatch(/<div class="verdict status-fail" id="verdict">\s*<div class="badge" data-status="fail">FAIL<\/div>/);
    expect(html).toContain('The checkout p99 probe failed during the primary kill and the audit found 2 orders charged twice.');
    for (const status of ['pass', 'aborted', 'error'] as const) {
      expect(renderReport({ ...journal(), status })).toContain(`class="verdict status-${status}"`);
    }
    const aborted = renderReport({ ...journal(), status: 'aborted', abort: { reason: 'error ratio above 50 % for 10 s', at: iso(41) } });
    expect(aborted).toMatch(/Aborted<\/strong> at \+41\.0 s: error ratio above 50 % for 10 s/);
    expect(aborted).toContain('class="abort-line"');
    expect(html).not.toContain('Aborted</strong>');
    expect(html).toContain('1 min 30 s');
    expect(html).toContain('2025-06-14 10:00:00 UTC');
  });

  test('three charts (rps, error ratio, latency), each with one shaded band per fault window', () => {
    const cs = charts(renderReport(journal()));
    expect(cs.map((c) => c.id)).toEqual(['chart-rps', 'chart-errors', 'chart-latency']);
    for (const c of cs) {
      expect(elements(c.svg, 'rect', 'fault-band').map((b) => b['data-fault'])).toEqual(['pause-payments', 'kill-postgres-primary']);
      expect(c.svg).toMatch(/<text class="fault-label"[^>]*>kill-postgres-primary<\/text>/);
      expect(c.svg).toMatch(/viewBox="0 0 \d+ \d+"/);
    }
    expect(cs[0]!.svg).toContain('>requests / s</text>');
    expect(cs[1]!.svg).toContain('>errors (%)</text>');
    expect(cs[2]!.svg).toContain('>latency (ms)</text>');
    expect(
      elements(cs[2]!.svg, 'path', 'series')
        .map((p) => p['data-series'])
        .sort(),
    ).toEqual(['p50', 'p99']);
  });

  test('a fault band sits where the fault happened, proportionally to the 90 s run', () => {
    for (const c of charts(renderReport(journal()))) {
      const plot = plotArea(c.svg);
      const [pause, kill] = elements(c.svg, 'rect', 'fault-band');
      // kill: 30 s to 75 s of 90 s
      expect(Number(kill!.x)).toBeCloseTo(plot.x + (plot.width * 30) / 90, 1);
      expect(Number(kill!.width)).toBeCloseTo((plot.width * 45) / 90, 1);
      // pause: 12 s to 22 s
      expect(Number(pause!.x)).toBeCloseTo(plot.x + (plot.width * 12) / 90, 1);
      expect(Number(pause!.width)).toBeCloseTo((plot.width * 10) / 90, 1);
      // bands cover the plot's height
      expect(Number(kill!.y)).toBe(plot.y);
      expect(Number(kill!.height)).toBe(plot.height);
    }
  });

  test('a fault that was never removed is shaded until the end of the run and flagged in the table', () => {
    const j = journal();
    delete j.faults[1]!.end;
    const html = renderReport(j);
    for (const c of charts(html)) {
      const plot = plotArea(c.svg);
      const kill = elements(c.svg, 'rect', 'fault-band')[1]!;
      expect(Number(kill.x) + Number(kill.width)).toBeCloseTo(plot.x + plot.width, 1);
    }
    const r = row(html, 'kill-postgres-primary');
    expect(r).toContain('never removed');
    expect(r).toContain('until the end of the run (1 min 0 s)');
  });

  test('the load timeline is shifted by the load start, and the failover spike lands inside the kill band', () => {
    const cs = charts(renderReport(journal()));
    const plot = plotArea(cs[0]!.svg);
    const xOf = (s: number) => plot.x + (plot.width * s) / 90;
    const rps = pathPoints(cs[0]!.svg, 'requests');
    expect(rps).toHaveLength(86);
    expect(rps[0]![0]).toBeCloseTo(xOf(2 + 1), 1); // first tick t = 1 s after a load started at +2 s
    expect(rps.at(-1)![0]).toBeCloseTo(xOf(2 + 86), 1);

    // Highest p99 (smallest y) falls in the failover, +31..+39 s.
    const p99 = pathPoints(cs[2]!.svg, 'p99');
    const peak = p99.reduce((a, b) => (b[1] < a[1] ? b : a));
    expect(peak[0]).toBeGreaterThan(xOf(30));
    expect(peak[0]).toBeLessThan(xOf(40));
    // The error ratio of the failover (75 %) on a 0..80 % axis.
    const errors = pathPoints(cs[1]!.svg, 'error-ratio');
    const eplot = plotArea(cs[1]!.svg);
    const top = Math.min(...errors.map((p) => p[1]));
    expect(top).toBeCloseTo(eplot.y + eplot.height * (1 - 75 / 80), 1);
  });

  test('axes carry round tick values', () => {
    const [rps, errors] = charts(renderReport(journal()));
    const labels = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
    expect(labels(rps!.svg, 'xtick-label')).toEqual(['0', '10', '20', '30', '40', '50', '60', '70', '80', '90']);
    const y = labels(rps!.svg, 'ytick').map(Number);
    expect(y[0]).toBe(0);
    const step = y[1]!;
    expect([1, 2, 2.5, 5].some((m) => Number.isInteger(step / m) && Math.log10(step / m) % 1 === 0)).toBe(true);
    y.forEach((v, i) => {
      expect(v).toBeCloseTo(i * step, 9);
    });
    expect(y.at(-1)!).toBeGreaterThanOrEqual(210); // above the busiest second
    expect(labels(errors!.svg, 'ytick')).toEqual(['0', '20', '40', '60', '80']); // peak 75 %
    // A quiet run keeps a 0..1 % error axis rather than blowing noise up to full height,
    // and a total outage never goes past 100 %.
    const quiet = journal();
    for (const t of quiet.load!.timeline) t.errors = 0;
    expect(labels(charts(renderReport(quiet))[1]!.svg, 'ytick')).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    const down = journal();
    for (const t of down.load!.timeline) t.errors = t.requests;
    expect(labels(charts(renderReport(down))[1]!.svg, 'ytick')).toEqual(['0', '20', '40', '60', '80', '100']);
  });

  test('probes: a table by phase with tolerance, measured value and ✔/✘, and marks on the charts', () => {
    const html = renderReport(journal());
    const failed = row(html, 'checkout p99');
    expect(failed).toContain('during');
    expect(failed).toContain('&lt; 1.5 s');
    expect(failed).toContain('2.4');
    expect(failed).toContain('✘');
    expect(failed).toContain('p99 over the last 30 s');
    expect(row(html, 'error ratio</td>')).toContain('✔');
    const phases = [...html.matchAll(/<span class="phase phase-(\w+)">/g)].map((m) => m[1]);
    expect(phases).toEqual(['before', 'before', 'during', 'after']);
    const marks = elements(charts(html)[0]!.svg, 'path', 'probe-mark (?:ok|bad)');
    expect(marks.filter((m) => m.class === 'probe-mark bad')).toHaveLength(1);
    expect(marks).toHaveLength(3); // the probes at +1 s and +1.2 s share a mark
  });

  test('the failed audit check is shown as failed, with its examples, and the audit as a whole failed', () => {
    const html = renderReport(journal());
    const failed = row(html, 'no order charged twice');
    expect(failed).toMatch(/<tr class="bad"/);
    expect(failed).toContain('✘');
    expect(failed).toMatch(/<td class="num">2<\/td>/);
    expect(failed).toContain('o-1042 charged 2×');
    expect(failed).toContain('payments retried after the primary was killed');
    expect(row(html, 'stock never negative')).toContain('✔');
    expect(html).toContain('Audit FAILED');
    const passed = renderReport({ ...journal(), audit: { ...journal().audit!, ok: true, checks: [journal().audit!.checks[0]!] } });
    expect(passed).toContain('Audit passed');
    const { audit: _a, ...noAudit } = journal();
    expect(renderReport(noAudit)).toContain('No audit in this experiment.');
  });

  test('monitors, load summary, measurements and the event timeline', () => {
    const html = renderReport(journal());
    const m = row(html, 'checkout through the edge every 200 ms');
    expect(m).toContain('440');
    expect(m).toContain('8.4 s');
    expect(m).toContain('+30.6 s → +39.0 s');
    expect(html).toMatch(/<dt>Load step<\/dt><dd>surge through the failover<\/dd>\s*<dt>Scenario<\/dt><dd>surge<\/dd>/);
    expect(html).toContain('16,812');
    expect(html).toContain('4,980 ms'); // p99.9
    expect(html).toContain('5,012.7 ms'); // max
    expect(html).toContain('Measured from each request&#39;s intended send time.');
    expect(row(html, 'service time (raw response times)')).toContain('812.5 ms');
    expect(row(html, '<code>503</code>')).toContain('598');
    expect(row(html, 'ECONNRESET')).toContain('12');
    expect(html).toMatch(/<dt>Acknowledged orders<\/dt><dd>3,120<\/dd>/);
    expect(row(html, 'rtoSeconds')).toContain('8.4');
    expect(row(html, 'failover</td>')).toContain('replica promoted by the runner');
    const events = html.slice(html.indexOf('<section id="events">'));
    expect(events).toMatch(/^<section id="events"><details><summary>/);
    expect(events).toContain('(11 events)');
    expect(row(events, 'killed postgres-primary')).toContain('+30.0 s');
    expect(row(events, 'load surge started')).toContain('{&quot;connections&quot;:16,&quot;rate&quot;:200}');
  });

  test('every string from the journal is escaped: no markup can be injected', () => {
    const evil = '<script>alert(1)</script>';
    const attr = 'x" onmouseover="alert(2)';
    const img = '<img src=x onerror=alert(3)>';
    const j = journal();
    j.experiment = { title: evil, description: img, file: attr };
    j.verdict = img;
    j.status = attr as Journal['status'];
    j.abort = { reason: evil, at: iso(50) };
    j.faults[0] = { ...j.faults[0]!, name: attr, kind: img, target: evil };
    j.faults[1]!.name = evil;
    j.probes[0] = { ...j.probes[0]!, name: evil, type: img, value: { html: evil }, tolerance: attr, detail: img, phase: attr as 'before' };
    j.probes[1]!.value = evil;
    j.monitors[0] = { ...j.monitors[0]!, name: evil, description: img };
    j.load!.scenario = evil;
    j.load!.name = img;
    j.load!.ledgerFile = attr;
    j.load!.summary.byStatus[evil] = 1;
    j.load!.summary.errors[img] = 1;
    j.audit!.checks[1] = { ...j.audit!.checks[1]!, name: attr, examples: [evil, img], note: evil };
    j.measurements[evil] = img;
    j.events.push({ at: iso(60), kind: attr, message: evil, data: { img } });

    const html = renderReport(j);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('" onmouseover="');
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('data-fault="x&quot; onmouseover=&quot;alert(2)"');
    // The page's structure is intact: three charts, every section present once.
    expect(charts(html)).toHaveLength(3);
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html.match(/<\/svg>/g)).toHaveLength(3);
    for (const id of ['charts', 'faults', 'probes', 'monitors', 'load', 'audit', 'measurements', 'events']) {
      expect(html.match(new RegExp(`<section id="${id}">`, 'g'))).toHaveLength(1);
    }
    // An unknown status still gets a known colour class.
    expect(html).toContain('class="verdict status-error"');
  });

  test('a journal without load renders, says so, and still shows the faults on a timeline', () => {
    const { load: _l, ...j } = journal();
    let html = '';
    expect(() => {
      html = renderReport(j);
    }).not.toThrow();
    expect(html.match(/No load in this experiment\./g)).toHaveLength(2); // charts and load summary
    const cs = charts(html);
    expect(cs.map((c) => c.id)).toEqual(['chart-timeline']);
    expect(elements(cs[0]!.svg, 'path', 'series')).toHaveLength(0);
    const plot = plotArea(cs[0]!.svg);
    const kill = elements(cs[0]!.svg, 'rect', 'fault-band')[1]!;
    expect(Number(kill.x)).toBeCloseTo(plot.x + (plot.width * 30) / 90, 1);

    const empty = renderReport({ ...journal(), load: { ...journal().load!, timeline: [] } });
    expect(empty).toContain('The load ran but recorded no per-second timeline.');
    expect(empty).toMatch(/<dt>Scenario<\/dt><dd>surge<\/dd>/);

    const bare = renderReport({ ...j, faults: [], probes: [], monitors: [], events: [], measurements: {} });
    expect(bare).toContain('No faults were injected.');
    expect(bare).toContain('No measurements recorded.');
  });

  test('the page is self-contained and made for phones and print', () => {
    const html = renderReport(journal());
    expect(html).toMatch(/^<!doctype html>/);
    for (const external of [/<script/i, /<link/i, /\ssrc=/i, /url\(/i, /@import/i, /https?:\/\/(?!www\.w3\.org\/2000\/svg)/]) {
      expect(html).not.toMatch(external);
    }
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('@media print');
    expect(html).toMatch(/@media \(max-width:\d+px\)/);
  });
});
