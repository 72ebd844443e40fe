// What is changed at run time (the modes switched through the API, the schedule entries added by
// it or by an experiment's scheduled surge), kept in a file on the autoscaler's volume: an
// autoscaler that restarts in the middle of a surge it was told about still holds the surge's
// replicas, and one switched off stays off, instead of forgetting and acting on the policy file
// alone. Entries are stored in the policy file's keys and checked again by the policy's rules
// when loaded; a one-off entry whose window has ended is dropped. The saved modes give way when
// the policy file's own modes were changed since they were saved: the latest change wins.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScalingModes } from '@surge-lab/contracts/autoscaler';
import type { Logger } from '@surge-lab/kit';
import { type ScalingPolicy, type ScheduleEntry, scheduleEntry } from './domain/policy.ts';

export interface RuntimeState {
  /** Absent: the policy file's modes. */
  modes?: ScalingModes;
  schedule: ScheduleEntry[];
}

export interface StateStore {
  load(policy: ScalingPolicy, nowMs: number): RuntimeState;
  save(state: { modes: ScalingModes; schedule: readonly ScheduleEntry[] }, policy: ScalingPolicy): void;
}

export const noStateStore: StateStore = { load: () => ({ schedule: [] }), save: () => {} };

interface StateFile {
  modes?: Partial<ScalingModes>;
  policyModes?: Partial<ScalingModes>;
  schedule?: unknown[];
}

const policyModes = (p: ScalingPolicy): ScalingModes => ({ autoscaling: p.enabled, recovery: p.recovery.enabled, scheduleFloors: true, forecastFloors: p.predictive.enabled });
const ended = (e: ScheduleEntry, nowMs: number) => e.when.kind === 'once' && e.when.atMs + e.durationSeconds * 1_000 <= nowMs;
const MODE_KEYS = ['autoscaling', 'recovery', 'scheduleFloors', 'forecastFloors'] as const satisfies readonly (keyof ScalingModes)[];
const isModes = (m: unknown): m is Partial<ScalingModes> =>
  typeof m === 'object' && m !== null && typeof (m as ScalingModes).autoscaling === 'boolean' && typeof (m as ScalingModes).recovery === 'boolean';
/** A file saved before schedule and forecast were modes lacks them: they are the policy file's. */
const complete = (m: Partial<ScalingModes>, base: ScalingModes): ScalingModes => Object.fromEntries(MODE_KEYS.map((k) => [k, typeof m[k] === 'boolean' ? m[k] : base[k]])) as unknown as ScalingModes;

export function fileStateStore(file: string, log: Logger): StateStore {
  return {
    load(policy, nowMs) {
      let raw: StateFile;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ file, err: (err as Error).message }, 'run-time state not read: starting from the policy file alone');
        return { schedule: [] };
      }
      const schedule: ScheduleEntry[] = [];
      for (const item of Array.isArray(raw.schedule) ? raw.schedule : []) {
        const r = scheduleEntry({ ...policy, schedule: [...policy.schedule, ...schedule] }, item);
        if (!r.ok) log.warn({ file, entry: item, problems: r.problems }, 'run-time schedule entry dropped: it no longer passes the policy');
        else if (ended(r.entry, nowMs)) log.info({ entry: r.entry.name }, 'run-time schedule entry dropped: its window has ended');
        else schedule.push(r.entry);
      }
      if (schedule.length) log.info({ entries: schedule.map((e) => e.name) }, `run-time schedule: ${schedule.length} entr${schedule.length === 1 ? 'y' : 'ies'} kept from before the restart`);
      const now = policyModes(policy);
      let modes: ScalingModes | undefined;
      if (isModes(raw.modes)) {
        const was = isModes(raw.policyModes) ? complete(raw.policyModes, now) : undefined;
        const sameFile = was !== undefined && MODE_KEYS.every((k) => was[k] === now[k]);
        if (sameFile) {
          modes = complete(raw.modes, now);
          log.info({ modes }, 'modes kept from before the restart');
        } else log.info({ saved: raw.modes, policy: now }, "the policy file's modes changed since the run-time ones were saved: the file's apply");
      }
      return { ...(modes ? { modes } : {}), schedule };
    },
    save(state, policy) {
      const body: StateFile = {
        modes: state.modes,
        policyModes: policyModes(policy),
        schedule: state.schedule.map((e) => ({ name: e.name, service: e.service, at: e.at, 'lead-seconds': e.leadSeconds, 'duration-seconds': e.durationSeconds, 'min-replicas': e.minReplicas })),
      };
      try {
        mkdirSync(dirname(file), { recursive: true });
        // Written aside and renamed: a stop in the middle leaves the old file, never half of one.
        writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
        renameSync(`${file}.tmp`, file);
      } catch (err) {
        log.warn({ file, err: (err as Error).message }, 'run-time state not saved: a restart will forget it');
      }
    },
  };
}
