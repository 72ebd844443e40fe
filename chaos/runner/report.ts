// The game day report: a journal rendered as one self-contained HTML page (report/document.ts),
// with its charts (report/charts.ts), tables (report/sections.ts), escaping (report/escaping.ts)
// and style sheet (report/report.css).
export { renderReport } from './report/document.ts';
export { escapeHtml } from './report/escaping.ts';
