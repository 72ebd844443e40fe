// The DCS as the region controller reads it, from the lab plane's site.
//
// Whether Patroni's leader key still exists, asked of the witness with a linearizable read (etcd
// answers it only with quorum: the majority's view, the one Patroni's members promote by). The key
// is a lease of ttl seconds that the leader renews every loop; a leader that cannot renew it demotes
// itself before it expires (Patroni keeps ttl >= loop_wait + 2 x retry_timeout). Its expiry is the
// fence the controller waits for, not a bound of its own: a region cut off from the lab plane but
// still in the DCS quorum keeps its key, and nothing is promoted.
//
// Keeps etcd's raft leader on the witness, on the lab plane's site. A new etcd leader extends every
// lease by its TTL, Patroni's leader key included: when region A's etcd led and region A was lost,
// the key expired 27 s after the kill instead of 20 s (the election's seconds came on top), and the
// failover with it. With the witness leading, losing either region elects no new etcd leader.
import { globalName, WAN_HOSTS } from '@surge-lab/lab';

const MEMBERS = ['etcd-witness', 'etcd', 'etcd-b'] as const;
type Member = (typeof MEMBERS)[number];
const url = (m: Member, path: string) => `http://${globalName(m)}:${WAN_HOSTS[m].ports.client}${path}`;

/** etcd's JSON gateway (uint64 ids are strings). */
async function post<T>(m: Member, path: string, body: unknown = {}): Promise<T> {
  const r = await fetch(url(m, path), { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(2_000) });
  if (!r.ok) throw new Error(`${m} ${path}: ${r.status} ${(await r.text()).trim()}`);
  return (await r.json()) as T;
}

/** `held` while the majority has a leader key for `scope` (a Patroni cluster name), `free` once it has none. */
export async function leaderKey(scope: string): Promise<'held' | 'free'> {
  // Every key, names only: the namespace is Patroni's setting (infra/postgres/patroni.yml), the
  // key its `<namespace>/<scope>/leader`.
  const all = (s: string) => Buffer.from(s).toString('base64');
  const r = await post<{ kvs?: { key: string }[] }>('etcd-witness', '/v3/kv/range', { key: all('\0'), range_end: all('\0'), keys_only: true });
  const suffix = `/${scope}/leader`;
  return (r.kvs ?? []).some((kv) => Buffer.from(kv.key, 'base64').toString().endsWith(suffix)) ? 'held' : 'free';
}

interface Status {
  header: { member_id: string };
  leader: string;
  isLearner?: boolean;
}

/** Moves the leadership to the witness when another member has it; returns what it did, or undefined. */
export async function keepLeaderOnWitness(): Promise<string | undefined> {
  const witness = await post<Status>('etcd-witness', '/v3/maintenance/status');
  // A learner (the witness before it caught up, when it first joins) cannot lead.
  if (witness.isLearner || witness.leader === witness.header.member_id) return undefined;
  for (const m of MEMBERS.slice(1)) {
    const s = await post<Status>(m, '/v3/maintenance/status').catch(() => undefined);
    if (s?.header.member_id !== witness.leader) continue;
    await post(m, '/v3/maintenance/transfer-leadership', { targetID: witness.header.member_id });
    return `etcd's leadership moved from ${m} to etcd-witness`;
  }
  return undefined;
}
