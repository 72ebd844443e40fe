// npm run fault -- <fault> [key=value ...] [--duration s]: injects one fault by hand and holds it
// until the duration ends or Ctrl-C, then reverts it. `list` shows every fault; `reset` removes
// every toxic and brings back every stopped or paused container.
import { parseArgs } from 'node:util';
import { bringBackAll } from './containers.ts';
import { resetAll } from './links.ts';
import { checkArgs, FAULTS, FAULT_NAMES, inject, isFaultName } from './registry.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { duration: { type: 'string' } } });
const [name, ...rest] = positionals;
const stamp = () => new Date().toISOString();
const ctx = { log: (l: string) => console.log(`${stamp()} ${l}`) };

if (!name || name === 'list') {
  console.log('usage: npm run fault -- <fault> [service|link] [key=value ...] [--duration seconds]   (Ctrl-C reverts)\n       npm run fault -- reset        (or the scripts in chaos/bin: kill, stop, latency, failover, ...)\n');
  for (const f of FAULT_NAMES) console.log(`  ${f.padEnd(24)} ${FAULTS[f].summary}; arguments: ${Object.keys(FAULTS[f].args.shape).join(', ') || 'none'}`);
  process.exit(name ? 0 : 2);
}
if (name === 'reset') {
  await resetAll(ctx);
  await bringBackAll(ctx);
  process.exit(0);
}
if (!isFaultName(name)) {
  console.error(`unknown fault "${name}"; one of: ${FAULT_NAMES.join(', ')}`);
  process.exit(2);
}
const args: Record<string, unknown> = {};
// A bare first word names the target: `kill catalog` is `kill service=catalog`, `latency redis ...` is `link=redis`.
const shape = Object.keys(FAULTS[name].args.shape);
const targetKey = shape.includes('service') ? 'service' : shape.includes('link') ? 'link' : undefined;
for (const [i, kv] of rest.entries()) {
  const eq = kv.indexOf('=');
  if (eq < 0 && i === 0 && targetKey) { args[targetKey] = kv; continue; }
  if (eq <= 0) { console.error(`arguments are key=value, got "${kv}"`); process.exit(2); }
  const v = kv.slice(eq + 1);
  args[kv.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === 'true' || v === 'false' ? v === 'true' : v;
}
const checked = checkArgs(name, args);
if (!checked.ok) {
  for (const p of checked.problems) console.error(`${name}: ${p.path || 'arguments'}: ${p.message}`);
  process.exit(2);
}
const duration = values.duration === undefined ? undefined : Number(values.duration);
if (duration !== undefined && !(duration >= 0)) { console.error(`--duration must be seconds, got ${values.duration}`); process.exit(2); }

const fault = await inject(ctx, name, args);
let reverting = false;
const revert = async (why: string) => {
  if (reverting) return;
  reverting = true;
  ctx.log(`[fault] ${why}: reverting`);
  await fault.revert();
  process.exit(0);
};
process.on('SIGINT', () => void revert('Ctrl-C'));
process.on('SIGTERM', () => void revert('SIGTERM'));
if (duration !== undefined) setTimeout(() => void revert(`${duration} s are up`), duration * 1_000);
else ctx.log('[fault] held until Ctrl-C');
