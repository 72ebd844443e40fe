// npm run lab:console: the lab console's address with its token.
import { hostConsoleToken, openLab } from '@surge-lab/lab';
import { main, parseCli } from './support/cli.ts';
import { consoleUrl } from './support/console-url.ts';

const spec = { command: 'npm run lab:console --', summary: "Prints the lab console's address with its token (from .lab/console-token, or from the console's container).", options: {} } as const;

main(spec, async () => {
  parseCli(spec);
  const lab = openLab();
  console.log(`lab console: ${consoleUrl(lab, await hostConsoleToken(lab.root, lab.runtime))}`);
});
