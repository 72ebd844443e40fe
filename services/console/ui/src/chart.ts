// One chart as inline SVG: a line per series (colour and dash pattern, so colour is never the
// only way to tell them apart), a time axis, a value axis in the chart's unit, and a legend in
// HTML. All text goes in as text. The arithmetic lives in @surge-lab/web-kit/chart-scale.
import { chartLayout, unitTitle } from '@surge-lab/web-kit/chart-scale';
import { h, s } from './dom.ts';
import type { Chart } from './types.ts';

/** Okabe-Ito colours (told apart by most colour-blind readers), then dash patterns. */
export const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8a7300', '#555555'];
export const DASHES = ['', '6 3', '2 3', '9 3 2 3'];
export const strokeOf = (i: number) => ({ stroke: COLOURS[i % COLOURS.length]!, dash: DASHES[(i + Math.floor(i / COLOURS.length)) % DASHES.length]! });

let uid = 0;

export interface ChartView {
  svg: SVGSVGElement;
  legend: HTMLUListElement;
}

export function drawChart(chart: Chart, o: { width: number; height: number; end: number; minutes: number }): ChartView {
  const layout = chartLayout(chart, o);
  const id = `chart-${++uid}`;
  const { plot } = layout;
  const latest = layout.series.map((x) => `${x.label}: ${x.latest ?? 'no data'}`).join('; ');
  const svg = s(
    'svg',
    { width: o.width, height: o.height, viewBox: `0 0 ${o.width} ${o.height}`, role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, class: 'chart-svg' },
    s('title', { id: `${id}-t` }, `${chart.title}, last ${o.minutes} minutes`),
    s('desc', { id: `${id}-d` }, layout.empty ? 'No data in this window.' : `Latest values (${unitTitle(chart.unit)}): ${latest}.`),
  );

  const axes = s('g', { class: 'axes', 'aria-hidden': 'true' });
  for (const t of layout.yTicks) {
    axes.append(
      s('line', { x1: plot.left, x2: plot.right, y1: t.y.toFixed(1), y2: t.y.toFixed(1), class: 'grid' }),
      s('text', { x: plot.left - 6, y: (t.y + 4).toFixed(1), 'text-anchor': 'end', class: 'tick' }, t.label),
    );
  }
  for (const t of layout.xTicks) {
    axes.append(
      s('line', { x1: t.x.toFixed(1), x2: t.x.toFixed(1), y1: plot.bottom, y2: plot.bottom + 4, class: 'axis' }),
      s('text', { x: t.x.toFixed(1), y: plot.bottom + 17, 'text-anchor': 'middle', class: 'tick' }, t.label),
    );
  }
  axes.append(s('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, class: 'axis' }), s('line', { x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom, class: 'axis' }));
  svg.append(axes);

  const lines = s('g', { class: 'lines', 'aria-hidden': 'true' });
  for (const x of layout.series) {
    if (!x.path) continue;
    const st = strokeOf(x.index);
    lines.append(s('path', { d: x.path, fill: 'none', stroke: st.stroke, 'stroke-width': 2, 'stroke-dasharray': st.dash || undefined, 'stroke-linejoin': 'round', class: 'series' }));
  }
  svg.append(lines);
  if (layout.empty)
    svg.append(s('text', { x: (plot.left + plot.right) / 2, y: (plot.top + plot.bottom) / 2, 'text-anchor': 'middle', class: 'empty', 'aria-hidden': 'true' }, 'No data in this window'));

  const legend = h(
    'ul',
    { class: 'legend' },
    ...layout.series.map((x) => {
      const st = strokeOf(x.index);
      const swatch = s(
        'svg',
        { width: 28, height: 10, 'aria-hidden': 'true' },
        s('line', { x1: 1, x2: 27, y1: 5, y2: 5, stroke: st.stroke, 'stroke-width': 2.5, 'stroke-dasharray': st.dash || undefined }),
      );
      return h('li', {}, swatch, h('span', {}, x.label), h('span', { class: 'muted' }, x.latest ?? 'no data'));
    }),
  );
  return { svg, legend };
}
