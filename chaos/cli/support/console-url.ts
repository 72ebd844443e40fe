import type { Lab } from '@surge-lab/lab';

/** The console's address with its token, as a user opens it. */
export const consoleUrl = (lab: Lab, token: string) => `http://localhost:${lab.settings.get('EDGE_PORT') ?? '8080'}/lab/#token=${token}`;
