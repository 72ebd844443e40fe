// npm run dashboards: writes grafana/dashboards/*.json from the generator in grafana/src. Commit the
// sources and the output together: test/unit/dashboards-generated.test.ts fails while they differ.
import { outOfDate, writeDashboards } from '@surge-lab/dashboards';
import { main, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run dashboards --',
  summary: 'Generates the Grafana dashboards (grafana/dashboards/*.json) from their TypeScript sources in grafana/src, typed against @grafana/schema.',
  options: { check: { type: 'boolean', default: false, help: 'write nothing; list what is out of date and exit 1 if anything is' } },
} as const;

main(spec, async () => {
  const { values } = parseCli(spec);
  if (!values.check) {
    writeDashboards((l) => console.log(l));
    return 0;
  }
  const problems = outOfDate();
  for (const p of problems) console.error(`grafana/dashboards/${p}`);
  if (problems.length > 0) {
    console.error('run npm run dashboards and commit the result');
    return 1;
  }
  console.log('grafana/dashboards is up to date');
  return 0;
});
