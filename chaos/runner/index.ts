// The experiment runner: parse an experiment, run it against the lab, report it.

export { changeAutoscaler } from './autoscaler.ts';
export { labDeps } from './deps.ts';
export { type ExperimentDef, ExperimentError, loadExperiment, parseExperiment } from './experiment.ts';
export type { Journal, Status } from './journal.ts';
export { renderReport } from './report/document.ts';
export { type RunnerDeps, type RunOptions, type RunOutcome, runExperiment } from './run.ts';
