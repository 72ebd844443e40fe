// What is changed at run time survives a restart of the autoscaler (a new controller on the same
// file): the modes, and the schedule entries (checked again by the policy's rules; ended one-off
// entries are dropped). A policy file whose modes changed since wins over the saved modes.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createMetrics } from '@surge-lab/kit';
import { openLab } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { Controller } from '../../src/controller.ts';
import { parsePolicy, type ScalingPolicy, scheduleEntry } from '../../src/domain/policy.ts';
import { fileStateStore } from '../../src/state-store.ts';

const text = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'infra', 'autoscaler', 'scaling.yaml'), 'utf8');
const policy = parsePolicy(text);
const log = createLogger('autoscaler', 'silent');
const lab = openLab();
const controller = (file: string, p: ScalingPolicy = policy) => new Controller(lab, p, log, createMetrics('autoscaler'), { store: fileStateStore(file, log) });
const entry = (raw: Record<string, unknown>) => {
  const r = scheduleEntry(policy, raw);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.entry;
};
const fileIn = () => join(mkdtempSync(join(tmpdir(), 'autoscaler-state-')), 'state', 'state.json');

describe('the run-time state on file', () => {
  test('an entry added before a restart is there after it; one removed is not', () => {
    const file = fileIn();
    const before = controller(file);
    before.addScheduleEntry(entry({ name: 'surge', service: 'catalog', at: '2099-01-01T12:00:00Z', 'duration-seconds': 600, 'min-replicas': 3 }));
    before.addScheduleEntry(entry({ name: 'gone', service: 'cart', at: '13:00', 'duration-seconds': 60, 'min-replicas': 3 }));
    before.removeScheduleEntry('gone');
    expect(JSON.parse(readFileSync(file, 'utf8')).schedule).toEqual([
      { name: 'surge', service: 'catalog', at: '2099-01-01T12:00:00Z', 'lead-seconds': 120, 'duration-seconds': 600, 'min-replicas': 3 },
    ]);
    const after = controller(file);
    expect(after.schedule().map((e) => e.name)).toEqual(['flash sale', 'surge']);
  });

  test("modes switched at run time stay switched after a restart, until the policy file's own modes change", () => {
    const file = fileIn();
    controller(file).setModes({ autoscaling: false });
    expect(controller(file)).toMatchObject({ autoscaling: false, recovery: true });
    // The file is edited afterwards (recovery off): its modes are the latest change, they apply.
    const edited = parsePolicy(text.replace(/^recovery:\n {2}enabled: true/m, 'recovery:\n  enabled: false'));
    expect(edited.recovery.enabled).toBe(false);
    expect(controller(file, edited)).toMatchObject({ autoscaling: true, recovery: false });
  });

  test('floors switched off stay off after a restart; a file saved before they were modes leaves them on', () => {
    const file = fileIn();
    controller(file).setModes({ scheduleFloors: false });
    expect(controller(file)).toMatchObject({ scheduleFloors: false, forecastFloors: true, autoscaling: true });
    const old = fileIn();
    mkdirSync(join(old, '..'), { recursive: true });
    writeFileSync(old, JSON.stringify({ modes: { autoscaling: false, recovery: true }, policyModes: { autoscaling: true, recovery: true }, schedule: [] }));
    expect(controller(old)).toMatchObject({ autoscaling: false, recovery: true, scheduleFloors: true, forecastFloors: true });
  });

  test('an ended one-off entry and one the policy no longer allows are dropped; a file that is not JSON is ignored', () => {
    const file = fileIn();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        schedule: [
          { name: 'past', service: 'catalog', at: '2020-01-01T12:00:00Z', 'duration-seconds': 60, 'min-replicas': 3 },
          { name: 'too many', service: 'catalog', at: '2099-01-01T12:00:00Z', 'duration-seconds': 60, 'min-replicas': 9 },
          { name: 'kept', service: 'checkout', at: '2099-01-01T12:00:00Z', 'duration-seconds': 60, 'min-replicas': 4 },
        ],
      }),
    );
    expect(
      controller(file)
        .schedule()
        .map((e) => e.name),
    ).toEqual(['flash sale', 'kept']);
    writeFileSync(file, '{ not json');
    expect(controller(file)).toMatchObject({ autoscaling: true, recovery: true });
    expect(
      controller(file)
        .schedule()
        .map((e) => e.name),
    ).toEqual(['flash sale']);
  });
});
