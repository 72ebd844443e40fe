// The dashboard JSON types, derived from Grafana's own schema: @grafana/schema (pinned to the lab's
// Grafana, 11.6.1) ships TypeScript types generated from Grafana's CUE kinds. Type-only imports: the
// generator needs nothing of the package at run time.
import type * as G from '@grafana/schema';
import type * as StatCfg from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.js';
import type * as TimeSeriesCfg from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.js';

/**
 * The JSON spelling of a schema type. JSON has no enums, so a string enum becomes its values
 * (`LegendDisplayMode` → "list" | "table" | "hidden"); `any` stays unchecked.
 */
export type Json<T> = 0 extends 1 & T
  ? unknown
  : T extends string
    ? `${T}`
    : T extends number | boolean | null | undefined
      ? T
      : T extends readonly (infer U)[]
        ? Json<U>[]
        : T extends object
          ? { [K in keyof T]: Json<T[K]> }
          : T;

/** Json<T> with every key optional at every depth: plugin options, which Grafana completes with its defaults. */
export type Loose<T> = 0 extends 1 & T
  ? unknown
  : T extends string
    ? `${T}`
    : T extends number | boolean | null | undefined
      ? T
      : T extends readonly (infer U)[]
        ? Loose<U>[]
        : T extends object
          ? { [K in keyof T]?: Loose<T[K]> }
          : T;

/** The panel plugins the lab uses, each with its generated options and field-config (`custom`) schema. */
export interface PanelPlugins {
  timeseries: { options: TimeSeriesCfg.Options; custom: TimeSeriesCfg.FieldConfig };
  /** The stat plugin has no custom field config. */
  stat: { options: StatCfg.Options; custom: Record<string, never> };
}
export type PanelType = keyof PanelPlugins;

/** Units the dashboards use (Grafana's unit ids): a typo is a type error, not a raw number on a panel. */
export type Unit = 'short' | 'reqps' | 'percentunit' | 's' | 'ops' | 'bytes' | 'Bps';

export type DataSourceRef = Json<G.DataSourceRef>;

/**
 * A Prometheus panel target. The query's own keys (expr, legendFormat) are the datasource's: the
 * package has no Prometheus query schema. The live tests run every expr against Prometheus.
 */
export type PrometheusTarget = Json<G.DataQuery> & { refId: string; datasource: DataSourceRef; expr: string; legendFormat: string };

/** Lab extension (not Grafana's, which ignores it): read by test/live/dashboards.test.ts and test/live/chaos.test.ts. */
export interface SurgeLabMarks {
  /** The panel only has series while a fault is active: the chaos experiments check it has data then. */
  faultOnly?: boolean;
  /** The panel's later targets need history first (a forecast needs a full period); the first always has data. */
  needsHistory?: boolean;
  /** The panel has series only with region B running (the multi-region profile): the regions phase checks it has data. */
  regionsOnly?: boolean;
}

export type FieldConfigSource<K extends PanelType> = Json<Omit<G.FieldConfigSource, 'defaults'>> & {
  defaults: Json<Omit<G.FieldConfig, 'custom' | 'unit'>> & { unit?: Unit; custom?: Loose<PanelPlugins[K]['custom']> };
};

/** One placed panel of plugin K, as it is written to the dashboard JSON. */
export type PanelOf<K extends PanelType> = Json<Omit<G.Panel, 'type' | 'options' | 'fieldConfig' | 'targets' | 'datasource' | 'gridPos' | 'id' | 'title'>> & {
  id: number;
  datasource: DataSourceRef;
  gridPos: Json<G.GridPos>;
  title: string;
  type: K;
  targets: PrometheusTarget[];
  fieldConfig: FieldConfigSource<K>;
  options: Loose<PanelPlugins[K]['options']>;
  surgeLab?: SurgeLabMarks;
};

/** A panel of any plugin the lab uses: the union of PanelOf<'timeseries'>, PanelOf<'stat'>…, told apart by `type`. */
export type Panel = { [K in PanelType]: PanelOf<K> }[PanelType];

/** An annotation query on Grafana's own annotation store, filtered by tags (AnnotationTarget plus a DataQuery's refId). */
export type AnnotationQuery = Json<Omit<G.AnnotationQuery, 'target' | 'datasource'>> & {
  datasource: DataSourceRef;
  target?: Json<G.AnnotationTarget> & Json<G.DataQuery>;
};

export type DashboardLink = Json<G.DashboardLink>;

/** A whole dashboard: everything of `Dashboard` but its panels and annotations, which are typed above. */
export type Dashboard = Json<Omit<G.Dashboard, 'panels' | 'annotations' | 'uid' | 'title' | 'description'>> & {
  uid: string;
  title: string;
  description: string;
  annotations: { list: AnnotationQuery[] };
  links: DashboardLink[];
  panels: Panel[];
};
