// The region controller's decision: it follows the leader while one is in sight, and promotes the
// other region only once the primary region has been out of sight for the confirmation window and
// its leader key has expired in the DCS majority (Patroni's fence: the leader demoted itself by then).
import { describe, expect, test } from 'vitest';
import { type DecideSettings, decide, type MemberView, type Memory, type Observation } from '../../src/domain/decide.ts';

const s: DecideSettings = { confirmMs: 5_000 };
const member = (name: string, region: 'a' | 'b', reachable: boolean, state = 'running', role = 'replica'): MemberView => ({ name, region, reachable, state, role });
const both = (aUp: boolean, bUp = true) => [member('pg-1', 'a', aUp, 'running', 'primary'), member('pg-2', 'a', aUp), member('pg-b1', 'b', bUp), member('pg-b2', 'b', bUp)];
const fresh: Memory = { unreachableSince: {} };

/** Runs ticks one after another, carrying the memory: the decisions, in order. */
function run(ticks: Observation[], memory: Memory = fresh) {
  const out = [];
  let m = memory;
  for (const t of ticks) {
    const r = decide(t, m, s);
    m = r.memory;
    out.push(r.decision);
  }
  return { decisions: out, memory: m };
}

describe('the region controller', () => {
  test('follows the leader while its region answers', () => {
    const { decisions, memory } = run([{ at: 0, members: both(true), leader: 'pg-1' }]);
    expect(decisions).toEqual([{ kind: 'steady', primary: 'a' }]);
    expect(memory.primary).toBe('a');
  });

  test('waits out the confirmation window, then for the leader key to expire, then fails over to the streaming region', () => {
    // Last seen at 0: the window counts from then, not from the first tick that got no answer (1 s).
    const lost = [0, 3_999, 4_000, 18_000].map((at) => ({ at: 1_000 + at, members: both(false), leader: 'pg-1', leaderKey: 'held' as const }));
    const { decisions, memory } = run([{ at: 0, members: both(true), leader: 'pg-1' }, ...lost, { at: 20_000, members: both(false), leaderKey: 'free' }]);
    expect(decisions.map((d) => d.kind)).toEqual(['steady', 'wait', 'wait', 'wait', 'wait', 'fail-over']);
    expect(decisions[2]).toMatchObject({ reason: expect.stringMatching(/confirming/) });
    expect(decisions[3]).toMatchObject({ reason: expect.stringMatching(/leader key has not expired/) });
    expect(decisions.at(-1)).toEqual({ kind: 'fail-over', from: 'a', to: 'b' });
    expect(memory.failover).toEqual({ from: 'a', to: 'b', startedAt: 20_000 });
  });

  test('a key expired within the confirmation window waits for the window', () => {
    const { decisions } = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 3_000, members: both(false), leaderKey: 'free' },
      { at: 5_000, members: both(false), leaderKey: 'free' },
    ]);
    expect(decisions.map((d) => d.kind)).toEqual(['steady', 'wait', 'fail-over']);
  });

  test('a region out of sight whose leader still holds its key (it reaches the DCS quorum) is never failed over', () => {
    const { decisions } = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 1_000, members: both(false), leaderKey: 'held' },
      { at: 600_000, members: both(false), leaderKey: 'held' },
    ]);
    expect(decisions.at(-1)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/has not expired/) });
  });

  test('without an answer from the DCS majority nothing is promoted', () => {
    const { decisions } = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 1_000, members: both(false) },
      { at: 600_000, members: both(false) },
    ]);
    expect(decisions.at(-1)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/did not say/) });
  });

  test('a stale leader of the lost region in /cluster does not count as a leader in sight', () => {
    const { decisions } = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 1_000, members: both(false), leader: 'pg-1' },
      { at: 30_000, members: both(false), leader: 'pg-1', leaderKey: 'free' },
    ]);
    expect(decisions.at(-1)).toEqual({ kind: 'fail-over', from: 'a', to: 'b' });
  });

  test('completes the failover once the other region leads, and fails over only once', () => {
    const start = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 1_000, members: both(false) },
      { at: 26_000, members: both(false), leaderKey: 'free' },
    ]);
    const after = run(
      [
        { at: 27_000, members: both(false) },
        { at: 28_000, members: both(false), leader: 'pg-b1' },
        { at: 29_000, members: both(false), leader: 'pg-b1' },
      ],
      start.memory,
    );
    expect(after.decisions.map((d) => d.kind)).toEqual(['wait', 'complete-failover', 'complete-failover']);
  });

  test('a region that answers without a leader is electing one: nothing is done', () => {
    const { decisions } = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 60_000, members: both(true) },
    ]);
    expect(decisions.at(-1)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/electing/) });
  });

  test('the region is lost but the other has no running replica: it waits, promoting nothing', () => {
    const members = [member('pg-1', 'a', false), member('pg-b1', 'b', true, 'stopped')];
    const { decisions } = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 1_000, members },
      { at: 60_000, members, leaderKey: 'free' },
    ]);
    expect(decisions.at(-1)).toMatchObject({ kind: 'wait', reason: expect.stringMatching(/no running replica/) });
  });

  test('back in sight before the bound, the primary region keeps leading and the clock starts again', () => {
    const { decisions, memory } = run([
      { at: 0, members: both(true), leader: 'pg-1' },
      { at: 1_000, members: both(false) },
      { at: 20_000, members: both(true), leader: 'pg-1' },
      { at: 30_000, members: both(false) },
    ]);
    expect(decisions.map((d) => d.kind)).toEqual(['steady', 'wait', 'steady', 'wait']);
    // Out of sight since it last answered.
    expect(memory.unreachableSince.a).toBe(20_000);
  });
});
