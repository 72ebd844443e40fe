// The integration tests' helpers, imported by every package's test/integration as
// `@surge-lab/tests/integration`: the lab's images as test containers, and the kit's clients on them.
export { DEAD_PG_URL, pgPools, readyRedis, silentLogger } from './clients.ts';
export {
  image,
  PG_APP,
  pause,
  RUN_LABEL,
  type Running,
  type RunningKafka,
  type RunningPostgres,
  type RunningRedis,
  startAll,
  startKafka,
  startPostgres,
  startRedis,
  stopAll,
} from './containers.ts';
