// Autoscaler steps of an experiment: the lab's controller changed for a while, then put back.
// Its modes (autoscaling, schedule and forecast floors, auto-recovery) go back to what they were;
// a surge put on its schedule is taken off. Not faults: they are the levers an experiment about the controller pulls.
import type { ControllerState, ScalingModes } from '@surge-lab/contracts/autoscaler';
import type { Lab } from '@surge-lab/lab';
import { type ActiveFault, activeFault, type FaultContext } from '../faults/types.ts';
import type { AutoscalerChange } from './experiment.ts';

export async function changeAutoscaler(ctx: FaultContext & { lab: Lab }, change: AutoscalerChange): Promise<ActiveFault> {
  const autoscaler = ctx.lab.autoscaler;
  if (change.modes) {
    const before = await autoscaler.state<ControllerState>();
    const { 'schedule-floors': scheduleFloors, 'forecast-floors': forecastFloors, ...rest } = change.modes;
    await autoscaler.setModes<ScalingModes>({ ...rest, ...(scheduleFloors === undefined ? {} : { scheduleFloors }), ...(forecastFloors === undefined ? {} : { forecastFloors }) });
    const words = Object.entries(change.modes)
      .map(([k, v]) => `${k} ${v ? 'on' : 'off'}`)
      .join(', ');
    return activeFault({ name: `autoscaler: ${words}`, kind: 'autoscaler-modes', target: 'autoscaler' }, ctx, async () => {
      const { autoscaling, recovery, scheduleFloors, forecastFloors } = before;
      await autoscaler.setModes<ScalingModes>({ autoscaling, recovery, scheduleFloors, forecastFloors });
    });
  }
  const s = change.surge!;
  const at = new Date(Date.now() + s['in-seconds'] * 1_000);
  const name = `surge-${at.toISOString()}`;
  await autoscaler.addScheduleEntry({
    name,
    service: s.service,
    at: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    'lead-seconds': s['lead-seconds'],
    'duration-seconds': s['duration-seconds'],
    'min-replicas': s['min-replicas'],
  });
  ctx.log(`[fault] scheduled: ${s['min-replicas']} ${s.service} replicas from ${new Date(at.getTime() - s['lead-seconds'] * 1_000).toISOString()}, surge at ${at.toISOString()}`);
  return activeFault({ name: `scheduled surge of ${s.service} at ${at.toISOString()}`, kind: 'autoscaler-surge', target: s.service }, ctx, async () => {
    await autoscaler.removeScheduleEntry(name).catch((err: Error) => {
      if (!/404/.test(err.message)) throw err;
    });
  });
}
