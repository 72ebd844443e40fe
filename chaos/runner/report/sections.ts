// The report's tables and facts: the header with the verdict, the cards at a glance, the fault
// windows, the hypothesis' probes, the monitors, each load's summary, the audit, the
// measurements and the event timeline.
import type { AuditReport, Journal, JournalEvent, LoadRecord, MonitorRecord } from '../journal.ts';
import { FAULT_COLORS } from './charts.ts';
import { type Html, html, trusted } from './escaping.ts';
import { cssToken, durationText, type Frame, num, offsetText, okMark, statusClass, timeText, valueText } from './format.ts';

export function header(j: Journal, fr: Frame): Html {
  const abortAt = j.abort ? fr.at(j.abort.at) : NaN;
  return html`<header class="top">
  <div class="title-block">
    <p class="eyebrow">Chaos experiment · game day report</p>
    <h1>${j.experiment?.title || '(untitled experiment)'}</h1>
    ${j.experiment?.description ? html`<p class="desc">${j.experiment.description}</p>` : ''}
    <dl class="meta">
      <dt>File</dt><dd><code>${j.experiment?.file ?? '—'}</code></dd>
      <dt>Started</dt><dd>${timeText(j.startedAt)}</dd>
      <dt>Ended</dt><dd>${timeText(j.endedAt)}</dd>
      <dt>Duration</dt><dd>${durationText(fr.runSeconds)}</dd>
    </dl>
  </div>
  <div class="verdict ${statusClass(j.status)}" id="verdict">
    <div class="badge" data-status="${j.status}">${String(j.status).toUpperCase()}</div>
    <p class="verdict-text">${j.verdict}</p>
    ${j.abort ? html`<p class="abort-reason"><strong>Aborted</strong> at ${offsetText(abortAt)}: ${j.abort.reason}</p>` : ''}
  </div>
</header>`;
}

export function glance(j: Journal): Html {
  const probes = j.probes ?? [];
  const okProbes = probes.filter((p) => p.ok).length;
  const worst = Math.max(0, ...(j.monitors ?? []).map((m) => m.longestOutageSeconds).filter(Number.isFinite));
  const s = j.load?.summary;
  const errorPct = s && s.requests > 0 ? (100 * Object.values(s.errors ?? {}).reduce((a, b) => a + b, 0)) / s.requests : NaN;
  const cards: [string, string, boolean | undefined][] = [
    ['Probes ok', `${okProbes} / ${probes.length}`, probes.length ? okProbes === probes.length : undefined],
    ['Fault windows', String((j.faults ?? []).length), undefined],
    ['Longest outage', (j.monitors ?? []).length ? `${num(worst, 1)} s` : '—', undefined],
    ['Errors', Number.isFinite(errorPct) ? `${num(errorPct, 2)} %` : '—', undefined],
    ['Audit', j.audit ? (j.audit.ok ? 'passed' : 'FAILED') : 'none', j.audit ? j.audit.ok : undefined],
  ];
  return html`<section class="glance" aria-label="At a glance">${cards.map(
    ([k, v, ok]) => html`
    <div class="card${ok === true ? ' good' : ok === false ? ' bad' : ''}"><div class="k">${k}</div><div class="v">${v}</div></div>`,
  )}</section>`;
}

function table(head: string[], rows: Html[], cls = ''): Html {
  return html`<div class="table-wrap"><table${cls ? html` class="${cls}"` : ''}><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function faultsSection(j: Journal, fr: Frame): Html {
  const faults = j.faults ?? [];
  if (!faults.length) return html`<section id="faults"><h2>Fault windows</h2><p class="empty">No faults were injected.</p></section>`;
  const rows = faults.map((f, i) => {
    const start = fr.at(f.start);
    const end = fr.at(f.end);
    const open = !Number.isFinite(end);
    return html`<tr${open ? trusted(' class="warn"') : ''}>
      <td><span class="swatch" style="background:${FAULT_COLORS[i % FAULT_COLORS.length]}"></span>${f.name}</td>
      <td>${f.kind}</td><td><code>${f.target}</code></td>
      <td class="num">${offsetText(start)}</td>
      <td class="num">${open ? 'never removed' : offsetText(end)}</td>
      <td class="num">${open ? html`until the end of the run (${durationText(fr.xMax - start)})` : durationText(end - start)}</td></tr>`;
  });
  return html`<section id="faults"><h2>Fault windows</h2>${table(['Fault', 'Kind', 'Target', 'Start', 'End', 'Duration'], rows)}</section>`;
}

const PHASE_ORDER: Record<string, number> = { before: 0, during: 1, after: 2 };

export function probesSection(j: Journal, fr: Frame): Html {
  const probes = [...(j.probes ?? [])].sort((a, b) => (PHASE_ORDER[a.phase] ?? 3) - (PHASE_ORDER[b.phase] ?? 3) || fr.at(a.at) - fr.at(b.at));
  if (!probes.length) return html`<section id="probes"><h2>Hypothesis</h2><p class="empty">No probes ran.</p></section>`;
  const rows = probes.map(
    (p) => html`<tr class="${p.ok ? 'ok' : 'bad'}">
    <td><span class="phase phase-${cssToken(p.phase)}">${p.phase}</span></td>
    <td>${p.name}</td><td>${p.type}</td><td><code>${p.tolerance}</code></td>
    <td><code>${valueText(p.value)}</code>${p.detail ? html`<div class="detail">${p.detail}</div>` : ''}</td>
    <td class="center">${okMark(p.ok)}</td>
    <td class="num">${offsetText(fr.at(p.at))}</td></tr>`,
  );
  return html`<section id="probes"><h2>Hypothesis (steady-state probes)</h2>${table(['Phase', 'Probe', 'Type', 'Tolerance', 'Measured', 'OK', 'At'], rows)}</section>`;
}

function outagesCell(m: MonitorRecord, fr: Frame): Html {
  const outages = m.outages ?? [];
  if (!outages.length) return html`<span class="muted">none</span>`;
  const item = (o: MonitorRecord['outages'][number]) =>
    html`<li>${offsetText(fr.at(o.start))} → ${offsetText(fr.at(o.end))} <span class="muted">(${num(o.seconds, 1)} s${o.failed ? `: ${o.failed}` : ''})</span></li>`;
  if (outages.length <= 5) return html`<ul class="plain">${outages.map(item)}</ul>`;
  return html`<ul class="plain">${outages.slice(0, 3).map(item)}</ul><details><summary>all ${outages.length} outages</summary><ul class="plain">${outages.map(item)}</ul></details>`;
}

export function monitorsSection(j: Journal, fr: Frame): Html {
  const monitors = j.monitors ?? [];
  if (!monitors.length) return html`<section id="monitors"><h2>Monitors</h2><p class="empty">No monitors ran.</p></section>`;
  const rows = monitors.map(
    (m) => html`<tr class="${m.failures > 0 ? 'warn' : ''}">
    <td>${m.name}</td><td>${m.description}</td>
    <td class="num">${num(m.attempts, 0)}</td>
    <td class="num">${num(m.failures, 0)}${m.attempts > 0 ? html` <span class="muted">(${num((100 * m.failures) / m.attempts, 1)} %)</span>` : ''}</td>
    <td class="num">${num(m.longestOutageSeconds, 1)} s</td>
    <td>${outagesCell(m, fr)}</td></tr>`,
  );
  return html`<section id="monitors"><h2>Monitors</h2>${table(['Monitor', 'What it does', 'Attempts', 'Failures', 'Longest outage', 'Outage windows'], rows)}</section>`;
}

function countsTable(title: string, counts: Record<string, number> | undefined, total: number): Html {
  const entries = Object.entries(counts ?? {}).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  if (!entries.length) return html`<div><h3>${title}</h3><p class="empty">none</p></div>`;
  return html`<div><h3>${title}</h3>${table(
    ['', 'Count', 'Share'],
    entries.map(([k, v]) => html`<tr><td><code>${k}</code></td><td class="num">${num(v, 0)}</td><td class="num">${total > 0 ? `${num((100 * v) / total, 2)} %` : '—'}</td></tr>`),
    'compact',
  )}</div>`;
}

type Percentiles = NonNullable<LoadRecord['summary']>['latencyMs'];

/** Latency, and the raw service time when the journal has it. */
function latencyRows(s: LoadRecord['summary'] | undefined): Html[] {
  const rows: [string, Percentiles | undefined][] = [
    ['latency', s?.latencyMs],
    ['service time (raw response times)', s?.serviceTimeMs],
  ];
  return rows
    .filter(([name, p]) => p !== undefined || name === 'latency')
    .map(([name, p]) => html`<tr><th scope="row">${name}</th>${[p?.p50, p?.p90, p?.p99, p?.p999, p?.max].map((v) => html`<td class="num">${num(v, 1)} ms</td>`)}</tr>`);
}

export function loadSection(load: LoadRecord | undefined, fr: Frame): Html {
  if (!load) return html`<section id="load"><h2>Load</h2><p class="empty">No load in this experiment.</p></section>`;
  const s = load.summary;
  return html`<section id="load"><h2>Load summary</h2>
  <dl class="facts">
    ${load.name ? html`<dt>Load step</dt><dd>${load.name}</dd>` : ''}
    <dt>Scenario</dt><dd>${load.scenario}</dd>
    <dt>Started</dt><dd>${offsetText(fr.at(load.startedAt))}</dd>
    <dt>Requests</dt><dd>${num(s?.requests, 0)}</dd>
    <dt>OK</dt><dd>${num(s?.ok, 0)}</dd>
    <dt>Rejected (409)</dt><dd>${num(s?.rejected, 0)}</dd>
    <dt>Throughput</dt><dd>${num(s?.throughput, 1)} req/s</dd>
    <dt>Acknowledged orders</dt><dd>${num(load.acknowledgedOrders, 0)}</dd>
    ${load.ledgerFile ? html`<dt>Ledger</dt><dd><code>${load.ledgerFile}</code></dd>` : ''}
  </dl>
  <h3>Latency (whole run)</h3>
  <p class="method">Measured ${s?.latencyMethod ?? 'as the load generator reported it (a journal from before the method was recorded)'}.</p>
  ${table(['', 'p50', 'p90', 'p99', 'p99.9', 'max'], latencyRows(s), 'compact latency')}
  <div class="two">
    ${countsTable('By status', s?.byStatus, s?.requests ?? 0)}
    ${countsTable('Errors by kind', s?.errors, s?.requests ?? 0)}
  </div></section>`;
}

export function auditSection(audit: AuditReport | undefined, fr: Frame): Html {
  if (!audit) return html`<section id="audit"><h2>Integrity audit</h2><p class="empty">No audit in this experiment.</p></section>`;
  const rows = (audit.checks ?? []).map((c) => {
    const examples = c.examples ?? [];
    return html`<tr class="${c.ok ? 'ok' : 'bad'}" data-check="${c.name}">
      <td>${c.name}</td><td class="num">${num(c.checked, 0)}</td><td class="num">${num(c.failed, 0)}</td>
      <td class="center">${okMark(c.ok)}</td>
      <td>${examples.length ? html`<ul class="plain examples">${examples.slice(0, 5).map((e) => html`<li><code>${valueText(e, 200)}</code></li>`)}${examples.length > 5 ? html`<li class="muted">… and ${examples.length - 5} more</li>` : ''}</ul>` : html`<span class="muted">—</span>`}</td>
      <td>${c.note ?? ''}</td></tr>`;
  });
  return html`<section id="audit"><h2>Integrity audit</h2>
  <p class="audit-result ${audit.ok ? 'ok' : 'bad'}">${okMark(audit.ok)} <strong>${audit.ok ? 'Audit passed' : 'Audit FAILED'}</strong>
    <span class="muted">· ${num(audit.ledgerOrders, 0)} acknowledged orders in the ledger · at ${offsetText(fr.at(audit.at))}</span></p>
  ${rows.length ? table(['Check', 'Checked', 'Failed', 'OK', 'Examples', 'Note'], rows) : html`<p class="empty">The audit ran no checks.</p>`}</section>`;
}

export function measurementsSection(m: Journal['measurements'] | undefined): Html {
  const entries = Object.entries(m ?? {});
  if (!entries.length) return html`<section id="measurements"><h2>Measurements</h2><p class="empty">No measurements recorded.</p></section>`;
  return html`<section id="measurements"><h2>Measurements</h2>${table(
    ['Measurement', 'Value'],
    entries.map(([k, v]) => html`<tr><td>${k}</td><td class="${typeof v === 'number' ? 'num' : ''}">${typeof v === 'number' ? num(v, 3) : valueText(v)}</td></tr>`),
    'compact',
  )}</section>`;
}

export function eventsSection(events: JournalEvent[] | undefined, fr: Frame): Html {
  const list = events ?? [];
  const rows = list.map(
    (e) => html`<tr class="ev-${cssToken(e.kind)}">
    <td class="num">${offsetText(fr.at(e.at))}</td>
    <td><span class="kind">${e.kind}</span></td>
    <td>${e.message}${e.data !== undefined ? html`<div class="detail"><code>${valueText(e.data, 400)}</code></div>` : ''}</td></tr>`,
  );
  return html`<section id="events"><details><summary><h2>Event timeline <span class="muted">(${list.length} events)</span></h2></summary>
  ${list.length ? table(['At', 'Kind', 'Message'], rows, 'events') : html`<p class="empty">No events.</p>`}</details></section>`;
}
