// Charts: the last 15 minutes from Prometheus (through the console), redrawn every 10 s and
// when the width changes; each with its Grafana dashboard. The meta's dashboards are listed too.

import { toUnixSeconds, unitTitle } from '@surge-lab/web-kit/chart-scale';
import { type Ctx, loadUntilOk, type Section, showError } from '../app.ts';
import { drawChart } from '../chart.ts';
import { h, messageBox, reconcile, setText } from '../dom.ts';
import { clockText, safeHref } from '../format.ts';
import { poll } from '../poll.ts';
import type { Chart, Charts } from '../types.ts';

export const CHART_MINUTES = 15;
const HEIGHT = 200;

export function chartsSection(ctx: Ctx): Section {
  const pollMsg = messageBox();
  const status = h('p', { class: 'muted small' }, 'Loading the charts…');
  const dashboards = h('ul', { class: 'dashboards' });
  const dashBlock = h('div', { hidden: true }, h('h3', { id: 'dashboards-h' }, 'Grafana dashboards'), dashboards);
  const grid = h('div', { class: 'charts', 'aria-busy': 'true' });
  const el = h('section', { id: 'charts', class: 'panel', 'aria-labelledby': 'charts-h' }, h('h2', { id: 'charts-h' }, 'Charts'), status, pollMsg.el, grid, dashBlock);

  let last: Charts | undefined;

  const createFigure = (c: Chart) => {
    const titleId = `chart-title-${c.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return h(
      'figure',
      { class: 'chart', 'data-chart': c.id, 'aria-labelledby': titleId },
      h(
        'figcaption',
        {},
        h('h3', { id: titleId, class: 'chart-title' }),
        h('span', { class: 'unit muted small' }),
        h('a', { class: 'grafana', target: '_blank', rel: 'noopener noreferrer' }, 'open in Grafana'),
      ),
      h('div', { class: 'plot' }),
      h('div', { class: 'legend-box' }),
    );
  };

  const updateFigure = (fig: HTMLElement, c: Chart) => {
    setText(fig.querySelector('.chart-title')!, c.title);
    setText(fig.querySelector('.unit')!, `in ${unitTitle(c.unit)}`);
    const a = fig.querySelector<HTMLAnchorElement>('a.grafana')!;
    const href = safeHref(c.dashboard);
    a.hidden = !href;
    if (href && a.getAttribute('href') !== href) a.setAttribute('href', href);
    a.setAttribute('aria-label', `open ${c.title} in Grafana (new tab)`);
    const plot = fig.querySelector<HTMLElement>('.plot')!;
    const width = Math.max(260, Math.floor(plot.clientWidth || 600));
    const end = toUnixSeconds(last?.at) ?? Date.now() / 1000;
    const view = drawChart(c, { width, height: HEIGHT, end, minutes: CHART_MINUTES });
    plot.replaceChildren(view.svg);
    plot.dataset.width = String(width);
    fig.querySelector('.legend-box')!.replaceChildren(view.legend);
  };

  const render = () => {
    if (!last) return;
    reconcile(grid, last.charts ?? [], (c) => c.id, createFigure, updateFigure);
    grid.setAttribute('aria-busy', 'false');
  };

  const refresh = async () => {
    try {
      last = await ctx.api.charts(CHART_MINUTES, ctx.signal);
      if (ctx.signal.aborted) return;
      render();
      const at = toUnixSeconds(last.at);
      setText(
        status,
        (last.charts ?? []).length
          ? `The last ${CHART_MINUTES} minutes from Prometheus, as of ${at ? clockText(new Date(at * 1000).toISOString()) : 'now'}; updated every 10 s.`
          : 'Prometheus has no data yet.',
      );
      pollMsg.clear();
    } catch (e) {
      showError(ctx, pollMsg, e, 'Reading the charts', { polling: true });
      throw e;
    }
  };
  poll(refresh, { intervalMs: 10_000, visibility: ctx.visibility, signal: ctx.signal });

  // Redraw at the new width (a phone turned, a window resized), at most every 200 ms.
  if (typeof ResizeObserver === 'function') {
    let pending: ReturnType<typeof setTimeout> | undefined;
    let lastWidth = 0;
    const ro = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (Math.abs(w - lastWidth) < 8) return;
      lastWidth = w;
      clearTimeout(pending);
      pending = setTimeout(render, 200);
    });
    ro.observe(grid);
    ctx.signal.addEventListener(
      'abort',
      () => {
        ro.disconnect();
        clearTimeout(pending);
      },
      { once: true },
    );
  }

  void loadUntilOk(
    ctx,
    (signal) => ctx.api.meta(signal),
    (e) => showError(ctx, pollMsg, e, 'Reading the dashboards', { polling: true }),
    5000,
  ).then((m) => {
    if (!m) return;
    const items = [
      ...(m.dashboards ?? []).map((d) => ({ key: d.uid, title: d.title, url: d.url })),
      { key: 'grafana', title: 'Grafana', url: m.grafanaUrl },
      { key: 'prometheus', title: 'Prometheus', url: m.prometheusUrl },
    ].filter((d) => safeHref(d.url));
    reconcile(
      dashboards,
      items,
      (d) => d.key,
      (d) => h('li', {}, h('a', { href: safeHref(d.url), target: '_blank', rel: 'noopener noreferrer' }, d.title)),
      () => {},
    );
    dashBlock.hidden = items.length === 0;
  });

  return { el };
}
