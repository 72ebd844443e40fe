// npm run gameday -- <experiment.yaml> [--validate]: runs an experiment against the lab and
// writes its journal (JSON) and report (HTML) to reports/chaos/. Exit 0 pass, 1 fail, 2 aborted.
import '../quiet-kafkajs.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../infra/lab/compose.ts';
import { ExperimentError, loadExperiment } from './experiment.ts';
import { labDeps } from './deps.ts';
import { renderReport } from './report.ts';
import { runExperiment } from './run.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { validate: { type: 'boolean', default: false } } });
if (positionals.length !== 1) {
  console.error('usage: npm run gameday -- <chaos/experiments/NAME.yaml> [--validate]');
  process.exit(2);
}
const file = positionals[0]!;
let exp;
try {
  exp = loadExperiment(file);
} catch (err) {
  console.error(err instanceof ExperimentError ? err.message : `${file}: ${(err as Error).message}`);
  process.exit(2);
}
if (values.validate) {
  console.log(`${file}: valid (${exp.method.length} method steps, ${exp['steady-state-hypothesis'].probes.length} probes)`);
  process.exit(0);
}

const ac = new AbortController();
process.on('SIGINT', () => {
  if (ac.signal.aborted) {
    console.error('second Ctrl-C: leaving now; run `npm run fault -- reset` and `docker compose up -d` to undo faults by hand');
    process.exit(130);
  }
  ac.abort('interrupted (Ctrl-C)');
});
const log = (l: string) => console.log(l);
const { journal, exitCode, journalFile } = await runExperiment(exp, { file, reportDir: join(projectRoot, 'reports', 'chaos'), deps: await labDeps(log), log, signal: ac.signal });
const htmlFile = journalFile.replace(/\.json$/, '.html');
writeFileSync(htmlFile, renderReport(journal));
console.log(`\njournal ${journalFile}\nreport  ${htmlFile}`);
process.exit(exitCode);
