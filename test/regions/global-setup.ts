// Brings up region B and the witness beside the running lab (docker compose --profile
// multi-region up -d --wait; a no-op when they are up) for the suites about regions.
import { MULTI_REGION_PROFILE } from '@surge-lab/lab';
import { lab } from '../live/lab.ts';

export default async function setup(): Promise<void> {
  const { seconds, skipped } = await lab.runtime.upWait((line) => console.log(line), [MULTI_REGION_PROFILE]);
  console.log(`[lab] docker compose --profile ${MULTI_REGION_PROFILE} up -d --wait returned after ${seconds.toFixed(1)} s${skipped.length ? `; not started (no image): ${skipped.join(', ')}` : ''}`);
}
