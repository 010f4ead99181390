// Short names for the generated message and service types. Inputs are the request shapes a caller
// builds; `__Output` are what a receiver gets (defaults filled in).
export type { Function as FunctionInput, Function__Output as FunctionSpec } from './generated/stratus/v1/Function';
export type { CreateFunctionRequest__Output as CreateFunctionRequest } from './generated/stratus/v1/CreateFunctionRequest';
export type { UpdateFunctionRequest__Output as UpdateFunctionRequest } from './generated/stratus/v1/UpdateFunctionRequest';
export type { InvokeRequest__Output as InvokeRequest } from './generated/stratus/v1/InvokeRequest';
export type { InvokeResponse as InvokeResponseInput, InvokeResponse__Output as InvokeResponse } from './generated/stratus/v1/InvokeResponse';
export type { InvokeBatch__Output as InvokeBatch } from './generated/stratus/v1/InvokeBatch';
export type { InvocationOverhead__Output as InvocationOverhead } from './generated/stratus/v1/InvocationOverhead';
export type { InvokeResponseBatch as InvokeResponseBatchInput } from './generated/stratus/v1/InvokeResponseBatch';
export type { Invocation as InvocationInput, Invocation__Output as Invocation } from './generated/stratus/v1/Invocation';
export type { ListInvocationsRequest__Output as ListInvocationsRequest } from './generated/stratus/v1/ListInvocationsRequest';
export type { NodeStatus as NodeStatusInput, NodeStatus__Output as NodeStatus } from './generated/stratus/v1/NodeStatus';
export type { PoolContainer as PoolContainerInput, PoolContainer__Output as PoolContainer } from './generated/stratus/v1/PoolContainer';
export type { BackendStatus as BackendStatusInput, BackendStatus__Output as BackendStatus } from './generated/stratus/v1/BackendStatus';
export type { WatchEvent as WatchEventInput, WatchEvent__Output as WatchEvent } from './generated/stratus/v1/WatchEvent';
export type { FunctionCode__Output as FunctionCode } from './generated/stratus/v1/FunctionCode';
export type { SummaryRequest__Output as SummaryRequest } from './generated/stratus/v1/SummaryRequest';
export type { SummaryResponse as SummaryResponseInput, SummaryResponse__Output as SummaryResponse } from './generated/stratus/v1/SummaryResponse';
export type { SeriesRequest__Output as SeriesRequest } from './generated/stratus/v1/SeriesRequest';
export type { SeriesResponse as SeriesResponseInput, SeriesResponse__Output as SeriesResponse } from './generated/stratus/v1/SeriesResponse';
export type { CostRequest__Output as CostRequest } from './generated/stratus/v1/CostRequest';
export type { CostResponse as CostResponseInput, CostResponse__Output as CostResponse } from './generated/stratus/v1/CostResponse';
export type { FunctionServiceHandlers, FunctionServiceClient } from './generated/stratus/v1/FunctionService';
export type { InvocationServiceHandlers, InvocationServiceClient } from './generated/stratus/v1/InvocationService';
export type { NodeServiceHandlers, NodeServiceClient } from './generated/stratus/v1/NodeService';
export type { AgentServiceHandlers, AgentServiceClient } from './generated/stratus/v1/AgentService';
export type { PoolServiceHandlers, PoolServiceClient } from './generated/stratus/v1/PoolService';
export type { MetricsServiceHandlers, MetricsServiceClient } from './generated/stratus/v1/MetricsService';
