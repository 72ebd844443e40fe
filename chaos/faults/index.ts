// The fault library's public surface (the runner, the console and the tests use it by name).
export { FAULTS, FAULT_NAMES, checkArgs, inject, isFaultName, type FaultName } from './registry.ts';
export { activeFault, type ActiveFault, type FaultContext } from './types.ts';
export { bringBack, bringBackAll, targets, type Pick } from './containers.ts';
export { resetAll } from './links.ts';
