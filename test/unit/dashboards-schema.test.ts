import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, test } from 'vitest';

// The provisioned dashboards, type-checked against Grafana's own schema: @grafana/schema (pinned to the
// lab's Grafana, 11.6.1) ships TypeScript types generated from Grafana's CUE kinds. Each dashboard is
// written into one in-memory TypeScript file as `<json> satisfies <schema type>` and compiled, no network
// and no Grafana needed. Object literals get excess-property checks, so a misspelled or unknown key fails
// just as a wrong value type or an unknown enum value does.
//
// What is checked, and how strictly:
// - the dashboard (all but its panels) against `Dashboard`: required keys, annotations, links, templating, time;
// - each panel on its own against `Panel`, with `options` and `fieldConfig.defaults.custom` typed by the
//   panel plugin's generated schema (`Options`, `FieldConfig`) where the package has one for its `type`.
//   Plugin options are checked as partial: Grafana fills a plugin's defaults into the options it loads, so
//   a key may be left out, but a key that is there must be known and of the right type;
// - each target against `DataQuery` (refId, hide, datasource…). The query's own keys (expr, legendFormat)
//   are not checked: the package has no Prometheus query schema (the live test runs every query instead);
// - `transformations[].options` and override property values are `unknown`/`any` in the schema: unchecked.
// One lab extension is allowed on panels: `surgeLab: { faultOnly?: boolean; needsHistory?: boolean }`, which marks panels that only
// have data while a fault is active (test/live/dashboards.test.ts reads it; Grafana ignores it).

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dashboardsDir = join(root, 'grafana', 'dashboards');
const composable = join(root, 'node_modules', '@grafana', 'schema', 'dist', 'esm', 'raw', 'composable');

// Panel plugin id -> its generated options schema in @grafana/schema (directory under raw/composable).
const PANEL_SCHEMAS: Record<string, string> = {
  timeseries: 'timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen',
  stat: 'stat/panelcfg/x/StatPanelCfg_types.gen',
  gauge: 'gauge/panelcfg/x/GaugePanelCfg_types.gen',
  bargauge: 'bargauge/panelcfg/x/BarGaugePanelCfg_types.gen',
  table: 'table/panelcfg/x/TablePanelCfg_types.gen',
  text: 'text/panelcfg/x/TextPanelCfg_types.gen',
  piechart: 'piechart/panelcfg/x/PieChartPanelCfg_types.gen',
  barchart: 'barchart/panelcfg/x/BarChartPanelCfg_types.gen',
  heatmap: 'heatmap/panelcfg/x/HeatmapPanelCfg_types.gen',
  histogram: 'histogram/panelcfg/x/HistogramPanelCfg_types.gen',
  'state-timeline': 'statetimeline/panelcfg/x/StateTimelinePanelCfg_types.gen',
  'status-history': 'statushistory/panelcfg/x/StatusHistoryPanelCfg_types.gen',
  logs: 'logs/panelcfg/x/LogsPanelCfg_types.gen',
};

const PRELUDE = `
import type * as G from '@grafana/schema';
/** The JSON spelling of a schema type: JSON has no enums, so a string enum becomes its values. */
type Json<T> = 0 extends 1 & T ? unknown : T extends string ? \`\${T}\` : T extends number | boolean | null | undefined ? T
  : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
/** Json<T> with every key optional, at every depth: plugin options, which Grafana completes with its defaults. */
type Loose<T> = 0 extends 1 & T ? unknown : T extends string ? \`\${T}\` : T extends number | boolean | null | undefined ? T
  : T extends readonly (infer U)[] ? Loose<U>[] : T extends object ? { [K in keyof T]?: Loose<T[K]> } : T;
type GrafanaTarget = Json<G.DataQuery> & Record<string, unknown>;
/** An annotation's target is a query of its datasource: its own keys (tags, limit…) are the datasource's, like a panel target's. */
type GrafanaAnnotation = Json<Omit<G.AnnotationQuery, 'target'>> & { target?: GrafanaTarget };
type GrafanaDashboard = Json<Omit<G.Dashboard, 'panels' | 'annotations'>> & { panels?: unknown[]; annotations?: { list?: GrafanaAnnotation[] } };
type GrafanaRowPanel = Json<Omit<G.RowPanel, 'panels'>> & { panels: unknown[] };
type GrafanaPanel<Options, Custom> = Json<Omit<G.Panel, 'options' | 'fieldConfig' | 'targets'>> & {
  targets?: GrafanaTarget[];
  options?: Loose<Options>;
  fieldConfig?: Json<Omit<G.FieldConfigSource, 'defaults'>> & { defaults: Json<Omit<G.FieldConfig, 'custom'>> & { custom?: Loose<Custom> } };
  /** Lab extension (not Grafana's): the panel only has series while a fault is active. */
  surgeLab?: { faultOnly?: boolean; needsHistory?: boolean };
};
type NoCustomFieldConfig = { [key: string]: never };
type UntypedPanel = GrafanaPanel<Record<string, unknown>, Record<string, unknown>>;
`;

interface DashboardInput { file: string; json: unknown }
interface Problem { file: string; panel: string | undefined; path: string; message: string }

interface Chunk { file: string; panel: string | undefined; path: string }
const libCache = new Map<string, ts.SourceFile | undefined>();

function panelTypeName(kind: string): string {
  return kind.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_m, _s, c: string) => c.toUpperCase()) + 'Panel';
}

/** Type-checks dashboards against @grafana/schema in one TypeScript program; returns every problem found. */
function checkDashboards(inputs: DashboardInput[]): { problems: Problem[]; setup: string[]; untypedPanels: string[] } {
  const chunks: Chunk[] = [];
  const statements: string[] = [];
  const usedKinds = new Set<string>();
  const untypedPanels: string[] = [];
  const setup: string[] = [];
  const add = (chunk: Chunk, json: unknown, type: string) => {
    statements.push(`const c${chunks.length} = ${JSON.stringify(json, null, 2)} satisfies ${type};`);
    chunks.push(chunk);
  };
  const addPanel = (file: string, panel: unknown, path: string) => {
    const p = (panel ?? {}) as Record<string, unknown>;
    const title = typeof p.title === 'string' ? p.title : undefined;
    const kind = typeof p.type === 'string' ? p.type : '';
    if (kind === 'row') {
      const nested = Array.isArray(p.panels) ? p.panels : [];
      add({ file, panel: title, path }, { ...p, panels: [] }, 'GrafanaRowPanel');
      nested.forEach((n, j) => addPanel(file, n, `${path}.panels[${j}]`));
      return;
    }
    let type = 'UntypedPanel';
    if (Object.hasOwn(PANEL_SCHEMAS, kind)) { usedKinds.add(kind); type = panelTypeName(kind); } else untypedPanels.push(`${file}: panel "${title}" has type "${kind}", which has no options schema here`);
    add({ file, panel: title, path }, p, type);
  };
  for (const { file, json } of inputs) {
    const d = (json ?? {}) as Record<string, unknown>;
    const panels = d.panels;
    if (panels !== undefined && !Array.isArray(panels)) setup.push(`${file}: "panels" is not an array`);
    add({ file, panel: undefined, path: '' }, Array.isArray(panels) ? { ...d, panels: [] } : d, 'GrafanaDashboard');
    if (Array.isArray(panels)) panels.forEach((p, i) => addPanel(file, p, `panels[${i}]`));
  }

  const kindLines: string[] = [];
  [...usedKinds].sort().forEach((kind, i) => {
    const modulePath = join(composable, `${PANEL_SCHEMAS[kind]}.d.ts`);
    if (!existsSync(modulePath)) { setup.push(`no schema file for panel type ${kind}: ${modulePath}`); return; }
    const hasFieldConfig = /export interface FieldConfig\b/.test(readFileSync(modulePath, 'utf8'));
    kindLines.push(`import type * as K${i} from '@grafana/schema/dist/esm/raw/composable/${PANEL_SCHEMAS[kind]}.js';`,
      `type ${panelTypeName(kind)} = GrafanaPanel<K${i}.Options, ${hasFieldConfig ? `K${i}.FieldConfig` : 'NoCustomFieldConfig'}>;`);
  });
  const text = [PRELUDE, ...kindLines, ...statements].join('\n');

  // One in-memory source file; everything else (lib, node_modules) comes from disk, parsed once per run.
  const virtualFile = join(root, 'test', 'unit', '__dashboards-schema-check__.mts');
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2023.d.ts'],
    target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === virtualFile || fileExists.call(host, f);
  host.readFile = (f) => (f === virtualFile ? text : readFile.call(host, f));
  host.getSourceFile = (f, lang, onError) => {
    if (f === virtualFile) return ts.createSourceFile(f, text, lang, true);
    if (!libCache.has(f)) libCache.set(f, getSourceFile.call(host, f, lang, onError));
    return libCache.get(f);
  };
  const program = ts.createProgram({ rootNames: [virtualFile], options, host });
  const source = program.getSourceFile(virtualFile)!;

  // Map each `cN` statement's literal to its chunk, to turn a diagnostic's position into file, panel and JSON path.
  const located: { chunk: Chunk; node: ts.Expression }[] = [];
  for (const st of source.statements) {
    if (!ts.isVariableStatement(st)) continue;
    const decl = st.declarationList.declarations[0];
    const m = decl && ts.isIdentifier(decl.name) ? /^c(\d+)$/.exec(decl.name.text) : null;
    if (m && decl?.initializer && ts.isSatisfiesExpression(decl.initializer)) located.push({ chunk: chunks[Number(m[1])]!, node: decl.initializer.expression });
  }
  const problems: Problem[] = [];
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  for (const diag of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(diag.messageText, '\n');
    const at = diag.file === source && diag.start !== undefined ? located.find((l) => diag.start! >= l.node.getStart(source) && diag.start! < l.node.end) : undefined;
    if (!at) { setup.push(`schema check setup: ${message}`); continue; }
    problems.push({ file: at.chunk.file, panel: at.chunk.panel, path: jsonPath(at.node, diag.start!, at.chunk.path, source), message });
  }
  return { problems, setup, untypedPanels };
}

/** The JSON path of the innermost property or array element holding `pos`. */
function jsonPath(node: ts.Node, pos: number, path: string, source: ts.SourceFile): string {
  const inside = (n: ts.Node) => pos >= n.getStart(source) && pos < n.end;
  if (ts.isObjectLiteralExpression(node)) {
    for (const prop of node.properties) {
      if (!inside(prop) || !ts.isPropertyAssignment(prop)) continue;
      const key = ts.isStringLiteral(prop.name) || ts.isIdentifier(prop.name) ? prop.name.text : prop.name.getText(source);
      const here = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path ? `${path}.` : ''}${key}` : `${path}[${JSON.stringify(key)}]`;
      return inside(prop.initializer) ? jsonPath(prop.initializer, pos, here, source) : here;
    }
  } else if (ts.isArrayLiteralExpression(node)) {
    const i = node.elements.findIndex(inside);
    if (i >= 0) return jsonPath(node.elements[i]!, pos, `${path}[${i}]`, source);
  }
  return path || '(top level)';
}

function formatProblem(p: Problem): string {
  return `${p.file}${p.panel !== undefined ? ` › panel "${p.panel}"` : ''} › ${p.path}: ${p.message}`;
}

const files = readdirSync(dashboardsDir).filter((f) => f.endsWith('.json')).sort();
const inputs: DashboardInput[] = files.map((file) => ({ file, json: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as unknown }));

describe('Grafana dashboards type-check against @grafana/schema', () => {
  let result: ReturnType<typeof checkDashboards>;
  beforeAll(() => { result = checkDashboards(inputs); }, 60_000);

  test('there are dashboards, and the schema types load (imports resolve, no setup errors)', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(result.setup).toEqual([]);
  });

  test('every panel type has a generated options schema (no panel falls back to untyped options)', () => {
    expect(result.untypedPanels).toEqual([]);
  });

  test.each(files)('%s matches Grafana 11.6 Dashboard/Panel/plugin option types', (file) => {
    expect(result.problems.filter((p) => p.file === file).map(formatProblem)).toEqual([]);
  });
});

describe('the schema check is not vacuous', () => {
  type BrokenPanel = { title: string; gridPos: Record<string, unknown>; fieldConfig?: { defaults: Record<string, unknown> }; [key: string]: unknown };
  type Broken = { links: { type: string }[]; panels: BrokenPanel[]; [key: string]: unknown };
  // A dashboard with enough panels for every deliberate mistake below.
  const copy = () => JSON.parse(readFileSync(join(dashboardsDir, 'data-tier.json'), 'utf8')) as Broken;
  // TypeScript reports every wrong value in an object literal, but an unknown or missing key only when the
  // values are right: so the misspelled top-level key goes in a dashboard of its own.
  const keyTypo = copy();
  const broken = copy();
  const titles = broken.panels.map((p) => p.title);
  keyTypo.panells = [];                                                                      // misspelled top-level key
  broken.links[0]!.type = 'dashboard';                                                       // not a DashboardLinkType
  broken.graphTooltip = 7;                                                                   // not a DashboardCursorSync (0, 1, 2)
  broken.panels[0]!.gridPos.x = '0';                                                         // string for a number
  broken.panels[1]!.options = { legend: { displayMode: 'lst' } };                            // not a LegendDisplayMode
  broken.panels[2]!.options = { lgend: {} };                                                 // unknown timeseries option
  broken.panels[3]!.fieldConfig!.defaults.custom = { lineWidht: 2 };                          // unknown timeseries field config
  broken.panels[4]!.fieldConfig!.defaults.thresholds = { mode: 'absolut', steps: [] };       // not a ThresholdsMode
  broken.panels[5]!.targets = [{ expr: 'up' }];                                              // target without refId
  broken.panels[6]!.transparnt = true;                                                       // misspelled panel key
  Object.assign(broken.panels[7]!, { type: 'stat', options: { graphMode: 'sparkline' } });  // not a stat BigValueGraphMode
  const nested = { ...broken.panels[9]!, gridPos: { x: 0, y: 0, w: 'wide', h: 7 } };        // inside a collapsed row
  broken.panels[8] = { id: 99, type: 'row', title: 'Collapsed', collapsed: true, gridPos: { x: 0, y: 30, w: 24, h: 1 }, panels: [nested] };

  test('broken dashboards report each mistake with its file, panel, JSON path and the TypeScript diagnostic', () => {
    const { problems, setup } = checkDashboards([{ file: 'key-typo.json', json: keyTypo }, { file: 'broken.json', json: broken }]);
    expect(setup).toEqual([]);
    const found = problems.map(formatProblem);
    const expected: [file: string, panel: string | undefined, path: string, message: RegExp][] = [
      ['key-typo.json', undefined, 'panells', /'"panells"' does not exist in type 'GrafanaDashboard'/],
      ['broken.json', undefined, 'links[0].type', /Type '"dashboard"' is not assignable to type 'DashboardLinkType'/],
      ['broken.json', undefined, 'graphTooltip', /Type '7' is not assignable to type 'DashboardCursorSync\b/],
      ['broken.json', titles[0], 'panels[0].gridPos.x', /Type 'string' is not assignable to type 'number'/],
      ['broken.json', titles[1], 'panels[1].options.legend.displayMode', /Type '"lst"' is not assignable to type '[^']*"list"/],
      ['broken.json', titles[2], 'panels[2].options.lgend', /'"lgend"' does not exist in type/],
      ['broken.json', titles[3], 'panels[3].fieldConfig.defaults.custom.lineWidht', /'"lineWidht"' does not exist in type/],
      ['broken.json', titles[4], 'panels[4].fieldConfig.defaults.thresholds.mode', /Type '"absolut"' is not assignable to type '[^']*"absolute"/],
      ['broken.json', titles[5], 'panels[5].targets[0]', /Property 'refId' is missing/],
      ['broken.json', titles[6], 'panels[6].transparnt', /'"transparnt"' does not exist in type 'TimeseriesPanel'/],
      ['broken.json', titles[7], 'panels[7].options.graphMode', /Type '"sparkline"' is not assignable to type '[^']*"area"/],
      ['broken.json', nested.title, 'panels[8].panels[0].gridPos.w', /Type 'string' is not assignable to type 'number'/],
    ];
    for (const [file, panel, path, message] of expected) {
      const hit = problems.some((p) => p.file === file && p.panel === panel && p.path === path && message.test(p.message));
      expect(hit, `expected ${file} › ${panel ?? '(dashboard)'} › ${path} ${message}; found:\n${found.join('\n')}`).toBe(true);
    }
    expect(found).toHaveLength(expected.length);
    expect(found).toContain(`broken.json › panel "${titles[0]}" › panels[0].gridPos.x: Type 'string' is not assignable to type 'number'.`);
  });
});
