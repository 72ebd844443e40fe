// Writes the WAN's proxies into infra/toxiproxy/proxies.json from services/lab/src/wan.ts (the owner
// of the WAN's facts); the topology unit test fails until this has been run after a change there (npm run wan:proxies).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, wanProxiesConfig } from '@surge-lab/lab';
import { main, parseCli } from './support/cli.ts';

const spec = {
  command: 'npm run wan:proxies',
  summary: "Rewrites the WAN's proxies in infra/toxiproxy/proxies.json from services/lab/src/wan.ts (its links stay as they are).",
  options: {},
} as const;

main(spec, async () => {
  parseCli(spec);
  const file = join(repoRoot, 'infra/toxiproxy/proxies.json');
  const links = (JSON.parse(readFileSync(file, 'utf8')) as { name: string }[]).filter((p) => !p.name.startsWith('wan-'));
  const line = (p: unknown) => `  ${JSON.stringify(p).replaceAll('":', '": ').replaceAll(',"', ', "').replace(/^\{/, '{ ').replace(/\}$/, ' }')}`;
  writeFileSync(file, `[\n${[...links, ...wanProxiesConfig()].map(line).join(',\n')}\n]\n`);
  console.log(`${file}: ${links.length} links, ${wanProxiesConfig().length} WAN proxies`);
});
