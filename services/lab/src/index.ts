// The lab package's public surface: everything the lab's tools know about the running lab.
export { openLab, type Lab, type OpenLabOptions } from './lab.ts';
export { readSettings, repoRoot, LabSettingsError, type LabSettings, type SettingsOptions } from './settings.ts';
export { endpoints, type Address, type Endpoint, type Endpoints } from './endpoints.ts';
export * from './topology.ts';
export type { Container, ContainerDetail, ExecResult, Publisher, Runtime } from './runtime/runtime.ts';
export { ComposeRuntime } from './runtime/compose-runtime.ts';
export { docker, DockerCliError, parseBytes, parsePorts, projectOf } from './runtime/docker-cli.ts';
export { engine, EngineError, inspect, cloneReplica, removeContainer, restartContainer, stopContainer, type Inspect } from './runtime/engine-api.ts';
export { PatroniClient, PATRONI_CONFIG, type PatroniMember, type PatroniRole } from './clients/patroni.ts';
export { ToxiproxyClient, type ProxyState, type Toxic, type ToxicType, type Stream } from './clients/toxiproxy.ts';
export { PrometheusClient, type InstantSeries, type RangeSeries } from './clients/prometheus.ts';
export { grafanaAnnotator, noAnnotations, LAB_TAG, type Annotator } from './clients/grafana.ts';
export { ConsoleClient, CONSOLE_TOKEN_IN_CONTAINER, hostConsoleToken, readOrCreateToken, tokenFileOf } from './clients/console.ts';
export { AutoscalerClient, AUTOSCALER_IN_LAB, AUTOSCALER_PATH, type AutoscalerModes, type Relayed } from './clients/autoscaler.ts';
export { jsonCall, LabHttpError } from './clients/http.ts';
export { PORT_VARS, portProblems } from './ports.ts';
export { labReport, type ContainerReport } from './status.ts';
export { sleep, waitFor } from './wait.ts';
