// Brings the lab up once for every live suite (a no-op when it is already up).
//
// The suites measure a fixed topology (replica counts, timings), so the autoscaler observes
// while they run: it computes and reports its decisions but does not scale or restart. The
// suites about the controller switch it on for themselves (the controller-mode step), and the
// modes the lab had are put back at the end.
import type { ControllerState, ScalingModes } from '@surge-lab/contracts/autoscaler';
import { readOrCreateToken, tokenFileOf } from '@surge-lab/lab';
import { lab } from './lab.ts';

export default async function setup(): Promise<() => Promise<void>> {
  readOrCreateToken(tokenFileOf(lab.root));
  const { seconds, skipped } = await lab.runtime.upWait((line) => console.log(line));
  console.log(`[lab] docker compose up -d --wait returned after ${seconds.toFixed(1)} s${skipped.length ? `; not started (no image): ${skipped.join(', ')}` : ''}`);
  const before = await lab.autoscaler.state<ControllerState>();
  await lab.autoscaler.setModes<ScalingModes>({ autoscaling: false, recovery: false });
  return async () => {
    await lab.autoscaler.setModes<ScalingModes>({ autoscaling: before.autoscaling, recovery: before.recovery }).catch(() => {});
  };
}
