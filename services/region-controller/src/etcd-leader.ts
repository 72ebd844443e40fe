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
