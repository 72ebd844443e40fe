// The fault library's public surface (the runner, the console and the tests use it by name).

export { bringBack, bringBackAll, type Pick, targets } from './containers.ts';
export { resetAll } from './links.ts';
export { checkArgs, FAULT_NAMES, FAULTS, type FaultName, inject, isFaultName } from './registry.ts';
export { type ActiveFault, activeFault, type FaultContext } from './types.ts';
