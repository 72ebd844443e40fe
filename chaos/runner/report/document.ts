// The report's HTML document: one self-contained page (no scripts, no fonts, no external files)
// with report.css inlined and the charts drawn as inline SVG.
import { readFileSync } from 'node:fs';
import type { Journal } from '../journal.ts';
import { chartsSection } from './charts.ts';
import { html, trusted } from './escaping.ts';
import { frame } from './format.ts';
import { auditSection, eventsSection, faultsSection, glance, header, loadSection, measurementsSection, monitorsSection, probesSection } from './sections.ts';

/** The style sheet, read at each render so that an edit shows in the next report. */
const css = () => readFileSync(new URL('./report.css', import.meta.url), 'utf8');

/** The whole report: one HTML page with no external resources. */
export function renderReport(journal: Journal): string {
  const fr = frame(journal);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${String(journal.status).toUpperCase()} · ${journal.experiment?.title ?? 'experiment'}</title>
<style>${trusted(css())}</style>
</head>
<body>
<main>
${header(journal, fr)}
${glance(journal)}
${chartsSection(journal, fr)}
${(journal.extraLoads ?? []).map((l, i) => chartsSection(journal, fr, l, i + 1))}
${faultsSection(journal, fr)}
${probesSection(journal, fr)}
${monitorsSection(journal, fr)}
${loadSection(journal.load, fr)}
${(journal.extraLoads ?? []).map((l) => loadSection(l, fr))}
${auditSection(journal.audit, fr)}
${measurementsSection(journal.measurements)}
${eventsSection(journal.events, fr)}
</main>
</body>
</html>
`;
  return page.value;
}
