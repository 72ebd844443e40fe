// The lab package's public surface: everything the lab's tools know about the running lab.

export { AUTOSCALER_IN_LAB, AUTOSCALER_PATH, AutoscalerClient, type AutoscalerModes, type Relayed } from './clients/autoscaler.ts';
export { CONSOLE_TOKEN_IN_CONTAINER, ConsoleClient, hostConsoleToken, readOrCreateToken, tokenFileOf } from './clients/console.ts';
export { type Annotator, grafanaAnnotator, LAB_TAG, noAnnotations } from './clients/grafana.ts';
export { jsonCall, LabHttpError } from './clients/http.ts';
export { PATRONI_TAGS_FILE, PatroniClient, type PatroniDynamicConfig, type PatroniMember, type PatroniRole, patroniPort, type StandbyLag } from './clients/patroni.ts';
export { type InstantSeries, PrometheusClient, type RangeSeries } from './clients/prometheus.ts';
export { injectedToxics, type ProxyState, type Stream, type Toxic, type ToxicType, ToxiproxyClient } from './clients/toxiproxy.ts';
export { type CgroupLayout, type CpuMeterOptions, type CpuSample, type CpuUsage, cgroupLayout, containerCpuNs, cpuBetween, engineCpuNs, sampleCpu } from './cpu-meter.ts';
export { type Address, type Endpoint, type Endpoints, endpoints } from './endpoints.ts';
export { type Lab, type OpenLabOptions, openLab } from './lab.ts';
export { PORT_VARS, portProblems } from './ports.ts';
export * from './regions.ts';
export { ComposeRuntime } from './runtime/compose-runtime.ts';
export { DockerCliError, docker, parseBytes, parsePorts, projectOf } from './runtime/docker-cli.ts';
export { cloneReplica, EngineError, engine, type Inspect, inspect, removeContainer, restartContainer, stopContainer } from './runtime/engine-api.ts';
export type { Container, ContainerDetail, ExecResult, Publisher, Runtime } from './runtime/runtime.ts';
export { type LabSettings, LabSettingsError, readSettings, repoRoot, type SettingsOptions } from './settings.ts';
export { type ContainerReport, labReport } from './status.ts';
export * from './topology.ts';
export { bracketField, dottedField, formatProblem, type IssueView, type ParseOptions, type Path, type Problem, parseYaml, type Report, ValidationError, valueAt } from './validated-yaml.ts';
export { sleep, waitFor } from './wait.ts';
export * from './wan.ts';
