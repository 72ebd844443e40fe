// What the lab's tools ask of the engine that runs the lab. Faults, the runner, the console and
// the autoscaler use this interface only; `ComposeRuntime` implements it on one Docker engine
// (containers found by compose labels), and a Swarm runtime can implement it on tasks.

export interface ExecResult {
  stdout: string;
  stderr: string;
}

export interface Publisher {
  URL: string;
  TargetPort: number;
  PublishedPort: number;
}

export interface Container {
  service: string;
  name: string;
  id: string;
  /** running, exited, paused, restarting, created, dead. */
  state: string;
  /** The engine's status line, e.g. "Up 3 minutes (healthy)". */
  status: string;
  /** healthy, unhealthy, starting, or "" without a healthcheck. */
  health: string;
  /** The replica number (catalog-2 → 2). */
  number: number;
  publishers: Publisher[];
}

export interface ContainerDetail {
  status: string;
  paused: boolean;
  /** healthy, unhealthy, starting, or "none". */
  health: string;
  failingStreak: number;
  restartCount: number;
  /** CPU limit in CPUs (0: none). */
  cpus: number;
  /** Seconds it is given to stop before SIGKILL. */
  stopGraceSeconds: number;
  /** Its address on the lab's network. */
  ip: string | undefined;
}

export interface Streaming {
  /** Resolves when the command has ended (by itself or after `stop()`). */
  readonly ended: Promise<void>;
  stop(): Promise<void>;
}

export interface Runtime {
  readonly kind: 'compose' | 'swarm';
  readonly project: string;
  /** The lab's containers (`all`: stopped ones too), sorted by name. */
  containers(o?: { all?: boolean }): Promise<Container[]>;
  detail(container: string): Promise<ContainerDetail>;
  exec(container: string, command: string[], o?: { timeoutMs?: number; detached?: boolean }): Promise<ExecResult>;
  /**
   * Runs a long command in a container and hands `onLine` each line it prints, until `stop()`
   * (which closes the command's stdin: a command that is to outlive no watcher reads it) or until it
   * ends. One exec for a whole watch: an exec per poll costs about 0.1 s of CPU (measured), and a
   * fault's watch polling four members every 500 ms that way took most of a core.
   */
  stream(container: string, command: string[], onLine: (line: string) => void): Streaming;
  /** Runs a command in the first running container of `service`. */
  execIn(service: string, command: string[], o?: { timeoutMs?: number }): Promise<ExecResult>;
  signal(containers: string[], signal: 'KILL' | 'STOP' | 'CONT' | 'TERM'): Promise<void>;
  stop(containers: string[], graceSeconds: number): Promise<void>;
  start(containers: string[]): Promise<void>;
  restart(containers: string[], graceSeconds: number): Promise<void>;
  pause(containers: string[]): Promise<void>;
  unpause(containers: string[]): Promise<void>;
  remove(container: string): Promise<void>;
  setCpus(container: string, cpus: number): Promise<void>;
  hostCpus(): Promise<number>;
  /** Memory in use and its limit, in bytes, of running containers. */
  memory(containers: string[]): Promise<Map<string, { used: number; limit: number }>>;
  /** A new replica of `template`'s service numbered `number`, made from its full configuration. */
  addReplica(template: string, number: number): Promise<string>;
  /** Removes named volumes of the project (disaster faults). */
  removeVolumes(names: string[]): Promise<void>;
  /** Waits until a container runs and, when it has a healthcheck, is healthy. */
  waitHealthy(container: string, timeoutMs?: number): Promise<void>;
  /** Starts (or creates) the named services and waits until they are healthy. */
  up(services: string[], o?: { timeoutMs?: number }): Promise<void>;
}
