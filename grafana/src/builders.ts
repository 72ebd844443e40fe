// Shared builders: every dashboard has the same frame (time, refresh, annotations, links) and every
// panel the same shape (one Prometheus datasource, a unit, targets A, B, C…), so a dashboard module
// only says what differs: titles, queries, units, descriptions.
import type { AnnotationQuery, Dashboard, DashboardLink, DataSourceRef, Loose, Panel, PanelOf, PanelPlugins, PanelType, PrometheusTarget, SurgeLabMarks, Unit } from './schema.ts';

/** The provisioned Prometheus datasource (grafana/provisioning/datasources/prometheus.yml). */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };
const GRAFANA: DataSourceRef = { type: 'grafana', uid: '-- Grafana --' };

/** Grafana's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;

/** Annotation tags written by the lab: every dashboard draws both. */
export const CHAOS_TAG = 'chaos';
export const AUTOSCALER_TAG = 'autoscaler';

/** A query and its legend: `['sum by (service) (…)', '{{service}}']`. */
export type Query = readonly [expr: string, legendFormat: string];

export interface PanelSettings<K extends PanelType> {
  /** Grafana unit id; `short` when left out. */
  unit?: Unit;
  description?: string;
  /** The panel only has series while a fault is active. */
  faultOnly?: boolean;
  /** The panel's targets after the first need history first (a forecast). */
  needsHistory?: boolean;
  /** The panel has series only with region B running (the multi-region profile). */
  regionsOnly?: boolean;
  /** Width in grid columns (8 when left out) and height in grid rows (7). */
  w?: number;
  h?: number;
  /** Plugin options; Grafana completes what is left out with the plugin's defaults. */
  options?: Loose<PanelPlugins[K]['options']>;
  /** Plugin field config (fieldConfig.defaults.custom). */
  custom?: Loose<PanelPlugins[K]['custom']>;
}

/** A panel of plugin K before it is placed: the dashboard gives it its id and grid position. */
export interface PanelDraftOf<K extends PanelType> {
  w: number;
  h: number;
  panel: Omit<PanelOf<K>, 'id' | 'datasource' | 'gridPos'>;
}
export type PanelDraft = { [K in PanelType]: PanelDraftOf<K> }[PanelType];

function draft<K extends PanelType>(type: K, title: string, queries: readonly Query[], s: PanelSettings<K>): PanelDraftOf<K> {
  if (queries.length === 0) throw new Error(`panel "${title}" has no query`);
  if (queries.length > 26) throw new Error(`panel "${title}" has more queries than refIds A–Z`);
  const targets: PrometheusTarget[] = queries.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), datasource: PROMETHEUS, expr, legendFormat }));
  const marks: SurgeLabMarks = {
    ...(s.faultOnly ? { faultOnly: true } : {}),
    ...(s.needsHistory ? { needsHistory: true } : {}),
    ...(s.regionsOnly ? { regionsOnly: true } : {}),
  };
  // Without options, Grafana uses the plugin's defaults. ({} is a Loose<…> of any options type; TypeScript
  // cannot see that through the generic K.)
  const options = s.options ?? ({} as Loose<PanelPlugins[K]['options']>);
  const panel: Omit<PanelOf<K>, 'id' | 'datasource' | 'gridPos'> = {
    title,
    type,
    targets,
    fieldConfig: { defaults: { unit: s.unit ?? 'short', ...(s.custom ? { custom: s.custom } : {}) }, overrides: [] },
    options,
    ...(s.description !== undefined ? { description: s.description } : {}),
    ...(Object.keys(marks).length > 0 ? { surgeLab: marks } : {}),
  };
  return { w: s.w ?? 8, h: s.h ?? 7, panel };
}

/** A time series panel: one line per series of each query. */
export const timeseries = (title: string, queries: readonly Query[], settings: PanelSettings<'timeseries'> = {}) => draft('timeseries', title, queries, settings);

/** A stat panel: the latest value of each query, big. */
export const stat = (title: string, queries: readonly Query[], settings: PanelSettings<'stat'> = {}) => draft('stat', title, queries, settings);

/**
 * Places panels left to right in rows: a panel that does not fit in what is left of the row starts
 * the next one, below the tallest panel of the row. Ids are 1, 2, 3… in order.
 */
export function place(drafts: readonly PanelDraft[]): Panel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return drafts.map(({ w, h, panel }, i) => {
    if (w < 1 || w > GRID_COLUMNS || h < 1) throw new Error(`panel "${panel.title}": ${w}×${h} does not fit the ${GRID_COLUMNS}-column grid`);
    if (x + w > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    rowHeight = Math.max(rowHeight, h);
    const placed: Panel = { id: i + 1, datasource: PROMETHEUS, gridPos: { x, y, w, h }, ...panel };
    x += w;
    return placed;
  });
}

const annotations: AnnotationQuery[] = [
  { builtIn: 1, datasource: GRAFANA, enable: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' },
  // The chaos runner (npm run gameday) writes org-wide regions tagged "chaos": experiment and fault windows.
  { datasource: GRAFANA, enable: true, iconColor: 'rgba(255, 96, 96, 1)', name: 'Chaos experiments (faults)', target: { refId: 'Anno', type: 'tags', tags: [CHAOS_TAG], matchAny: true, limit: 100 } },
  // The controller (its own service) marks each scaling action, restart and mode change with "autoscaler".
  {
    datasource: GRAFANA,
    enable: true,
    iconColor: 'rgba(120, 200, 80, 1)',
    name: 'Autoscaler and auto-recovery',
    target: { refId: 'Auto', type: 'tags', tags: [AUTOSCALER_TAG], matchAny: true, limit: 100 },
  },
];

// Every key Grafana's schema requires of a DashboardLink; the extra ones hold its defaults.
const links: DashboardLink[] = [
  { title: 'Surge Lab', type: 'dashboards', tags: ['surge-lab'], asDropdown: true, icon: 'external link', tooltip: '', includeVars: false, keepTime: false, targetBlank: false },
];

export interface DashboardSpec {
  /** Also the file name: grafana/dashboards/<uid>.json. */
  uid: string;
  title: string;
  description: string;
  panels: readonly PanelDraft[];
}

/** A whole dashboard: the lab's common frame around the placed panels. */
export function dashboard({ uid, title, description, panels }: DashboardSpec): Dashboard {
  return {
    uid,
    title,
    description,
    tags: ['surge-lab'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '5s',
    time: { from: 'now-15m', to: 'now' },
    templating: { list: [] },
    annotations: { list: structuredClone(annotations) },
    links: structuredClone(links),
    panels: place(panels),
  };
}
