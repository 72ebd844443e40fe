// npm run lab:up: checks the host ports first (a port in use is named), then
// `docker compose up -d --wait`, and prints how long it took, the lab's memory and the lab
// console's address with its token (kept in .lab/console-token).
import { hostConsoleToken, labReport, openLab, portProblems, readOrCreateToken, tokenFileOf } from '@surge-lab/lab';
import { main, parseCli } from './support/cli.ts';
import { consoleUrl } from './support/console-url.ts';

const spec = {
  command: 'npm run lab:up --',
  summary: "Starts the lab (docker compose up -d --wait, building what is missing) after checking that its host ports are free, then prints its memory and the lab console's address with its token.",
  options: {},
} as const;

main(spec, async () => {
  parseCli(spec);
  const lab = openLab();
  const owned = new Set((await lab.runtime.containers()).flatMap((c) => c.publishers.map((p) => p.PublishedPort)));
  const problems = await portProblems(lab.settings.values, owned);
  if (problems.length) {
    for (const p of problems) console.error(`lab:up: ${p}`);
    return 1;
  }
  // The host's token file, made before the lab starts (so it belongs to the user, not to the console's root).
  readOrCreateToken(tokenFileOf(lab.root));
  const { seconds, skipped } = await lab.runtime.upWait((l) => console.log(l));
  const rows = await labReport(lab);
  const total = rows.reduce((s, r) => s + r.memBytes, 0);
  const port = (name: string) => lab.settings.get(name);
  console.log(`lab is up in ${seconds.toFixed(1)} s${skipped.length ? ` (not started: ${skipped.join(', ')})` : ''}`);
  console.log(`${rows.length} containers, ${(total / 1024 ** 2).toFixed(0)} MiB in use`);
  console.log(`lab console: ${consoleUrl(lab, await hostConsoleToken(lab.root, lab.runtime))}`);
  console.log(`storefront: http://localhost:${port('EDGE_PORT')}/   grafana: http://localhost:${port('GRAFANA_PORT')}/   prometheus: http://localhost:${port('PROMETHEUS_PORT')}/`);
  return 0;
});
