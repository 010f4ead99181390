// The node agent's public surface: start it in-process, and the interfaces others build on.
export { startAgent, type AgentDeps, type RunningAgent } from './server';
export { LABELS, nanoCpusFor, type IsolationBackend, type ContainerSpec, type ContainerStats, type ContainerExit, type ContainerOutput, type Availability } from './backends/backend';
export { DockerBackend, ensureFunctionNetwork } from './backends/docker-backend';
export { WarmPool, type PoolConfig, type Lease } from './pool/warm-pool';
export { Invoker, type InvokeResult, type InvocationRecorder } from './invoke/invoker';
