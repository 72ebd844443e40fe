// npm run gameday -- <experiment.yaml> [--validate]: runs an experiment against the lab and
// writes its journal (JSON) and report (HTML) to reports/chaos/. Exit 0 pass, 1 fail, 2 aborted.
import '../quiet-kafkajs.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExperimentDef, ExperimentError, labDeps, loadExperiment, renderReport, runExperiment } from '@surge-lab/chaos/runner';
import { openLab } from '@surge-lab/lab';
import { EX_USAGE, main, parseCli, UsageError } from './support/cli.ts';

const spec = {
  command: 'npm run gameday --',
  args: '<chaos/experiments/NAME.yaml>',
  summary: 'Runs a chaos experiment (steady state, method, rollbacks, audit) against the lab and writes its journal and HTML report to reports/chaos/.',
  options: { validate: { type: 'boolean', default: false, help: 'check the file (every problem with its line and field) and run nothing' } },
  more: 'exit codes: 0 pass, 1 fail, 2 aborted (a stop condition or Ctrl-C), 64 a bad command line or experiment file',
} as const;

main(spec, async () => {
  const { values, positionals } = parseCli(spec);
  if (positionals.length !== 1) throw new UsageError('name one experiment file');
  const file = positionals[0]!;
  let exp: ExperimentDef;
  try {
    exp = loadExperiment(file);
  } catch (err) {
    // A malformed file is a usage error: every problem on its own line.
    console.error(err instanceof ExperimentError ? err.message : `${file}: ${(err as Error).message}`);
    return EX_USAGE;
  }
  if (values.validate) {
    console.log(`${file}: valid (${exp.method.length} method steps, ${exp['steady-state-hypothesis'].probes.length} probes)`);
    return 0;
  }
  const ac = new AbortController();
  process.on('SIGINT', () => {
    if (ac.signal.aborted) {
      console.error('second Ctrl-C: leaving now; run `npm run fault -- reset` and `docker compose up -d` to undo faults by hand');
      process.exit(130);
    }
    ac.abort('interrupted (Ctrl-C)');
  });
  const lab = openLab();
  const log = (l: string) => console.log(l);
  const { journal, exitCode, journalFile } = await runExperiment(exp, {
    file,
    reportDir: join(lab.root, 'reports', 'chaos'),
    deps: await labDeps(lab, log, exp['front-door']),
    log,
    signal: ac.signal,
  });
  const htmlFile = journalFile.replace(/\.json$/, '.html');
  writeFileSync(htmlFile, renderReport(journal));
  console.log(`\njournal ${journalFile}\nreport  ${htmlFile}`);
  return exitCode;
});
