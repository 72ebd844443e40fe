// The experiment runner: parse an experiment, run it against the lab, report it.
export { ExperimentError, loadExperiment, parseExperiment, type ExperimentDef } from './experiment.ts';
export { changeAutoscaler } from './autoscaler.ts';
export { labDeps } from './deps.ts';
export { runExperiment, type RunnerDeps, type RunOptions, type RunOutcome } from './run.ts';
export { renderReport } from './report/document.ts';
export type { Journal, Status } from './journal.ts';
