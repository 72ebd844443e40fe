// The lab's own images (surge-lab/postgres, redis, kafka at LAB_TAG), started by testcontainers for
// the services' data-access integration tests. Nothing is pulled: the images are built locally
// (`docker compose build`). Every container gets a random host port, carries this run's label (the
// global setup removes whatever a crashed file left behind) and is stopped by the file's afterAll.

import { readSettings } from '@surge-lab/lab';
import { GenericContainer, getContainerRuntimeClient, type InspectResult, type StartedTestContainer, Wait } from 'testcontainers';
import { inject } from 'vitest';

export const RUN_LABEL = 'surge-lab.integration-run';
/** The lab's settings (.env, overridden by the environment): the image tag, the app's role and database. */
const settings = readSettings();
export const image = (name: 'postgres' | 'redis' | 'kafka') => `surge-lab/${name}:${settings.get('LAB_TAG') ?? '0.1.0'}`;

export interface Running {
  container: StartedTestContainer;
  stop(): Promise<void>;
}

const labelled = <T extends GenericContainer>(c: T): T => c.withLabels({ [RUN_LABEL]: inject('integrationRun') });
const stopper = (container: StartedTestContainer) => async () => {
  await container.stop({ timeout: 2_000, remove: true, removeVolumes: true });
};

// ------------------------------------------------------------------ Postgres without Patroni
/** Role, password and database the services use (the lab's .env names); the password is the test's own. */
export const PG_APP = { user: settings.get('APP_DB_USER') ?? 'shop', password: 'integration-only', db: settings.get('APP_DB_NAME') ?? 'shop' };

// The image's entrypoint always runs Patroni (etcd, replication, backups). For a single plain
// server the test replaces it with this script, as user postgres: initdb as Patroni's bootstrap
// does it (UTF8, C.UTF-8, checksums), the app role and database created by the image's own
// pg-post-bootstrap over the Unix socket while no TCP listener is up, then postgres in the
// foreground (PID 1's child via exec, so a stop is a fast shutdown). Durability is not under
// test: fsync off makes the suite faster.
const PG_STANDALONE = `set -euo pipefail
initdb -D "$PGDATA" -U postgres --no-sync --encoding=UTF8 --locale=C.UTF-8 --data-checksums --auth-local=trust --auth-host=scram-sha-256 >/dev/null
echo 'host all all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses=''" start
pg-post-bootstrap dbname=postgres
pg_ctl -D "$PGDATA" -w -s -m fast stop
exec postgres -D "$PGDATA" -c listen_addresses='*' -c max_connections=200 -c shared_preload_libraries=pg_stat_statements -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;

export interface RunningPostgres extends Running {
  url: string;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const container = await labelled(new GenericContainer(image('postgres')))
    .withEntrypoint(['/bin/bash', '-c', PG_STANDALONE])
    .withEnvironment({ APP_DB_USER: PG_APP.user, APP_DB_PASSWORD: PG_APP.password, APP_DB_NAME: PG_APP.db })
    .withExposedPorts(5432)
    // Only the final server listens on TCP: the bootstrap's temporary one is socket-only.
    .withWaitStrategy(Wait.forSuccessfulCommand('pg_isready -q -h 127.0.0.1 -p 5432 -d postgres'))
    .withStartupTimeout(60_000)
    .start();
  const url = `postgres://${PG_APP.user}:${PG_APP.password}@${container.getHost()}:${container.getMappedPort(5432)}/${PG_APP.db}`;
  return { container, url, stop: stopper(container) };
}

// ------------------------------------------------------------------ Redis
export interface RunningRedis extends Running {
  url: string;
}

/** The image as the lab runs it (its redis.conf: AOF, volatile-lru, 96 MB). */
export async function startRedis(): Promise<RunningRedis> {
  const container = await labelled(new GenericContainer(image('redis')))
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .withStartupTimeout(30_000)
    .start();
  return { container, url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`, stop: stopper(container) };
}

// ------------------------------------------------------------------ Kafka (single-node KRaft)
const ADVERTISED_FILE = '/tmp/advertised-external';
const KAFKA_EXTERNAL = 9094;

/**
 * A host client must be told the broker's host port (advertised listener), which Docker picks only
 * when the container starts. So the container starts a shell that waits for a file; once the port
 * is known (containerStarting, before the wait strategy) the test writes host:port into it, and
 * the shell exports it as KAFKA_ADVERTISED_EXTERNAL and execs the image's kafka-entrypoint.
 */
class KafkaContainer extends GenericContainer {
  #id = '';

  constructor() {
    super(image('kafka'));
    this.withEntrypoint([
      '/usr/bin/tini',
      '--',
      '/bin/bash',
      '-c',
      `while [ ! -s ${ADVERTISED_FILE} ]; do sleep 0.1; done
       export KAFKA_ADVERTISED_EXTERNAL="$(cat ${ADVERTISED_FILE})"
       exec /usr/local/bin/kafka-entrypoint`,
    ])
      .withExposedPorts(KAFKA_EXTERNAL)
      // The entrypoint's topic helper writes this once the broker answers and its topics exist.
      .withWaitStrategy(Wait.forLogMessage(/topics ready/))
      .withStartupTimeout(120_000);
  }

  protected override async containerCreated(id: string): Promise<void> {
    this.#id = id;
  }

  protected override async containerStarting(inspect: InspectResult): Promise<void> {
    const client = await getContainerRuntimeClient();
    const container = client.container.getById(this.#id);
    try {
      const port = inspect.ports[`${KAFKA_EXTERNAL}/tcp`]?.[0]?.hostPort;
      if (!port) throw new Error(`kafka container: no host port bound for ${KAFKA_EXTERNAL}`);
      const advertised = `${client.info.containerRuntime.host}:${port}`;
      const r = await client.container.exec(container, ['/bin/bash', '-c', `echo '${advertised}' > ${ADVERTISED_FILE}`]);
      if (r.exitCode !== 0) throw new Error(`kafka container: writing the advertised listener failed: ${r.output}`);
    } catch (err) {
      // testcontainers removes a container that fails its wait strategy, not one failing here.
      await client.container.stop(container, { timeout: 0 }).catch(() => {});
      await client.container.remove(container, { removeVolumes: true }).catch(() => {});
      throw err;
    }
  }
}

export interface RunningKafka extends Running {
  brokers: string[];
}

/** The image's defaults otherwise: topics `orders` (3 partitions) and `orders.dlq` (1), auto-create off. */
export async function startKafka(): Promise<RunningKafka> {
  const container = await labelled(new KafkaContainer()).start();
  return { container, brokers: [`${container.getHost()}:${container.getMappedPort(KAFKA_EXTERNAL)}`], stop: stopper(container) };
}

// ------------------------------------------------------------------ faults
/** Freezes a container (its processes stop, its connections stay open): a dependency that does not answer. Returns the undo. */
export async function pause(running: Running): Promise<() => Promise<void>> {
  const client = await getContainerRuntimeClient();
  const c = client.container.getById(running.container.getId());
  await c.pause();
  return async () => {
    await c.unpause();
  };
}

// ------------------------------------------------------------------ lifecycle
type Started<T extends readonly (() => Promise<Running>)[]> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/** Starts containers side by side; if one fails, the others are stopped before the error is thrown. */
export async function startAll<const T extends readonly (() => Promise<Running>)[]>(...starts: T): Promise<Started<T>> {
  const results = await Promise.allSettled(starts.map((s) => s()));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) {
    await stopAll(...results.map((r) => (r.status === 'fulfilled' ? r.value : undefined))).catch(() => {});
    throw failed[0]!.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<Running>).value) as Started<T>;
}

/** Stops every container that started, even when another stop (or a start) failed. */
export async function stopAll(...running: (Running | undefined)[]): Promise<void> {
  const results = await Promise.allSettled(running.map((r) => r?.stop()));
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length)
    throw new AggregateError(
      failed.map((f) => f.reason),
      'stopping test containers failed',
    );
}

declare module 'vitest' {
  export interface ProvidedContext {
    integrationRun: string;
  }
}
