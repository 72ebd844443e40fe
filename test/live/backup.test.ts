import { waitFor } from '@surge-lab/lab';
import { describe, expect, test } from 'vitest';
import { compose } from './lab.ts';

interface StanzaInfo {
  name: string;
  status: { code: number; message: string };
  backup: { type: string; label: string; timestamp: { stop: number } }[];
  archive: { max: string | null }[];
}

describe('pgBackRest', () => {
  test('a full backup exists in the repository and WAL is being archived', async () => {
    // The leader's scheduler takes the first full backup seconds after bootstrap.
    const info = await waitFor(
      'a full backup in pgbackrest info',
      async () => {
        for (const member of ['pg-1', 'pg-2']) {
          try {
            const { stdout } = await compose(['exec', '-T', member, 'pgbackrest', '--stanza=surge', '--output=json', 'info'], { timeoutMs: 20_000 });
            const [stanza] = JSON.parse(stdout) as StanzaInfo[];
            if (stanza && stanza.status.code === 0 && stanza.backup.some((b) => b.type === 'full')) return stanza;
          } catch {
            // the other member may answer
          }
        }
        return undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    const full = info.backup.find((b) => b.type === 'full')!;
    console.log(`[pgbackrest] full backup ${full.label}, archive up to ${info.archive[0]?.max}`);
    expect(info.status.message).toBe('ok');
    expect(full.timestamp.stop).toBeGreaterThan(0);
    expect(info.archive[0]?.max).toMatch(/^[0-9A-F]{24}$/);
  });
});
