import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentServiceClient as _stratus_v1_AgentServiceClient, AgentServiceDefinition as _stratus_v1_AgentServiceDefinition } from './stratus/v1/AgentService';
import type { BackendStatus as _stratus_v1_BackendStatus, BackendStatus__Output as _stratus_v1_BackendStatus__Output } from './stratus/v1/BackendStatus';
import type { CodeChunk as _stratus_v1_CodeChunk, CodeChunk__Output as _stratus_v1_CodeChunk__Output } from './stratus/v1/CodeChunk';
import type { CodeFile as _stratus_v1_CodeFile, CodeFile__Output as _stratus_v1_CodeFile__Output } from './stratus/v1/CodeFile';
import type { CostRequest as _stratus_v1_CostRequest, CostRequest__Output as _stratus_v1_CostRequest__Output } from './stratus/v1/CostRequest';
import type { CostResponse as _stratus_v1_CostResponse, CostResponse__Output as _stratus_v1_CostResponse__Output } from './stratus/v1/CostResponse';
import type { CostRow as _stratus_v1_CostRow, CostRow__Output as _stratus_v1_CostRow__Output } from './stratus/v1/CostRow';
import type { CreateFunctionRequest as _stratus_v1_CreateFunctionRequest, CreateFunctionRequest__Output as _stratus_v1_CreateFunctionRequest__Output } from './stratus/v1/CreateFunctionRequest';
import type { DeleteFunctionRequest as _stratus_v1_DeleteFunctionRequest, DeleteFunctionRequest__Output as _stratus_v1_DeleteFunctionRequest__Output } from './stratus/v1/DeleteFunctionRequest';
import type { DeleteFunctionResponse as _stratus_v1_DeleteFunctionResponse, DeleteFunctionResponse__Output as _stratus_v1_DeleteFunctionResponse__Output } from './stratus/v1/DeleteFunctionResponse';
import type { Function as _stratus_v1_Function, Function__Output as _stratus_v1_Function__Output } from './stratus/v1/Function';
import type { FunctionChanged as _stratus_v1_FunctionChanged, FunctionChanged__Output as _stratus_v1_FunctionChanged__Output } from './stratus/v1/FunctionChanged';
import type { FunctionCode as _stratus_v1_FunctionCode, FunctionCode__Output as _stratus_v1_FunctionCode__Output } from './stratus/v1/FunctionCode';
import type { FunctionDeleted as _stratus_v1_FunctionDeleted, FunctionDeleted__Output as _stratus_v1_FunctionDeleted__Output } from './stratus/v1/FunctionDeleted';
import type { FunctionServiceClient as _stratus_v1_FunctionServiceClient, FunctionServiceDefinition as _stratus_v1_FunctionServiceDefinition } from './stratus/v1/FunctionService';
import type { GetCodeArchiveRequest as _stratus_v1_GetCodeArchiveRequest, GetCodeArchiveRequest__Output as _stratus_v1_GetCodeArchiveRequest__Output } from './stratus/v1/GetCodeArchiveRequest';
import type { GetFunctionRequest as _stratus_v1_GetFunctionRequest, GetFunctionRequest__Output as _stratus_v1_GetFunctionRequest__Output } from './stratus/v1/GetFunctionRequest';
import type { GetInvocationRequest as _stratus_v1_GetInvocationRequest, GetInvocationRequest__Output as _stratus_v1_GetInvocationRequest__Output } from './stratus/v1/GetInvocationRequest';
import type { GetPoolRequest as _stratus_v1_GetPoolRequest, GetPoolRequest__Output as _stratus_v1_GetPoolRequest__Output } from './stratus/v1/GetPoolRequest';
import type { GetPoolResponse as _stratus_v1_GetPoolResponse, GetPoolResponse__Output as _stratus_v1_GetPoolResponse__Output } from './stratus/v1/GetPoolResponse';
import type { GetStatusRequest as _stratus_v1_GetStatusRequest, GetStatusRequest__Output as _stratus_v1_GetStatusRequest__Output } from './stratus/v1/GetStatusRequest';
import type { HeartbeatRequest as _stratus_v1_HeartbeatRequest, HeartbeatRequest__Output as _stratus_v1_HeartbeatRequest__Output } from './stratus/v1/HeartbeatRequest';
import type { HeartbeatResponse as _stratus_v1_HeartbeatResponse, HeartbeatResponse__Output as _stratus_v1_HeartbeatResponse__Output } from './stratus/v1/HeartbeatResponse';
import type { Invocation as _stratus_v1_Invocation, Invocation__Output as _stratus_v1_Invocation__Output } from './stratus/v1/Invocation';
import type { InvocationOverhead as _stratus_v1_InvocationOverhead, InvocationOverhead__Output as _stratus_v1_InvocationOverhead__Output } from './stratus/v1/InvocationOverhead';
import type { InvocationServiceClient as _stratus_v1_InvocationServiceClient, InvocationServiceDefinition as _stratus_v1_InvocationServiceDefinition } from './stratus/v1/InvocationService';
import type { InvokeBatch as _stratus_v1_InvokeBatch, InvokeBatch__Output as _stratus_v1_InvokeBatch__Output } from './stratus/v1/InvokeBatch';
import type { InvokeRequest as _stratus_v1_InvokeRequest, InvokeRequest__Output as _stratus_v1_InvokeRequest__Output } from './stratus/v1/InvokeRequest';
import type { InvokeResponse as _stratus_v1_InvokeResponse, InvokeResponse__Output as _stratus_v1_InvokeResponse__Output } from './stratus/v1/InvokeResponse';
import type { InvokeResponseBatch as _stratus_v1_InvokeResponseBatch, InvokeResponseBatch__Output as _stratus_v1_InvokeResponseBatch__Output } from './stratus/v1/InvokeResponseBatch';
import type { ListFunctionsRequest as _stratus_v1_ListFunctionsRequest, ListFunctionsRequest__Output as _stratus_v1_ListFunctionsRequest__Output } from './stratus/v1/ListFunctionsRequest';
import type { ListFunctionsResponse as _stratus_v1_ListFunctionsResponse, ListFunctionsResponse__Output as _stratus_v1_ListFunctionsResponse__Output } from './stratus/v1/ListFunctionsResponse';
import type { ListInvocationsRequest as _stratus_v1_ListInvocationsRequest, ListInvocationsRequest__Output as _stratus_v1_ListInvocationsRequest__Output } from './stratus/v1/ListInvocationsRequest';
import type { ListInvocationsResponse as _stratus_v1_ListInvocationsResponse, ListInvocationsResponse__Output as _stratus_v1_ListInvocationsResponse__Output } from './stratus/v1/ListInvocationsResponse';
import type { ListNodesRequest as _stratus_v1_ListNodesRequest, ListNodesRequest__Output as _stratus_v1_ListNodesRequest__Output } from './stratus/v1/ListNodesRequest';
import type { ListNodesResponse as _stratus_v1_ListNodesResponse, ListNodesResponse__Output as _stratus_v1_ListNodesResponse__Output } from './stratus/v1/ListNodesResponse';
import type { ListVersionsRequest as _stratus_v1_ListVersionsRequest, ListVersionsRequest__Output as _stratus_v1_ListVersionsRequest__Output } from './stratus/v1/ListVersionsRequest';
import type { ListVersionsResponse as _stratus_v1_ListVersionsResponse, ListVersionsResponse__Output as _stratus_v1_ListVersionsResponse__Output } from './stratus/v1/ListVersionsResponse';
import type { MetricsServiceClient as _stratus_v1_MetricsServiceClient, MetricsServiceDefinition as _stratus_v1_MetricsServiceDefinition } from './stratus/v1/MetricsService';
import type { NodeRemoved as _stratus_v1_NodeRemoved, NodeRemoved__Output as _stratus_v1_NodeRemoved__Output } from './stratus/v1/NodeRemoved';
import type { NodeServiceClient as _stratus_v1_NodeServiceClient, NodeServiceDefinition as _stratus_v1_NodeServiceDefinition } from './stratus/v1/NodeService';
import type { NodeStatus as _stratus_v1_NodeStatus, NodeStatus__Output as _stratus_v1_NodeStatus__Output } from './stratus/v1/NodeStatus';
import type { OverheadColumns as _stratus_v1_OverheadColumns, OverheadColumns__Output as _stratus_v1_OverheadColumns__Output } from './stratus/v1/OverheadColumns';
import type { PoolContainer as _stratus_v1_PoolContainer, PoolContainer__Output as _stratus_v1_PoolContainer__Output } from './stratus/v1/PoolContainer';
import type { PoolServiceClient as _stratus_v1_PoolServiceClient, PoolServiceDefinition as _stratus_v1_PoolServiceDefinition } from './stratus/v1/PoolService';
import type { RegisterNodeRequest as _stratus_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _stratus_v1_RegisterNodeRequest__Output } from './stratus/v1/RegisterNodeRequest';
import type { RegisterNodeResponse as _stratus_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _stratus_v1_RegisterNodeResponse__Output } from './stratus/v1/RegisterNodeResponse';
import type { SeriesRequest as _stratus_v1_SeriesRequest, SeriesRequest__Output as _stratus_v1_SeriesRequest__Output } from './stratus/v1/SeriesRequest';
import type { SeriesResponse as _stratus_v1_SeriesResponse, SeriesResponse__Output as _stratus_v1_SeriesResponse__Output } from './stratus/v1/SeriesResponse';
import type { SetMetricsRequest as _stratus_v1_SetMetricsRequest, SetMetricsRequest__Output as _stratus_v1_SetMetricsRequest__Output } from './stratus/v1/SetMetricsRequest';
import type { SetMetricsResponse as _stratus_v1_SetMetricsResponse, SetMetricsResponse__Output as _stratus_v1_SetMetricsResponse__Output } from './stratus/v1/SetMetricsResponse';
import type { Snapshot as _stratus_v1_Snapshot, Snapshot__Output as _stratus_v1_Snapshot__Output } from './stratus/v1/Snapshot';
import type { SummaryRequest as _stratus_v1_SummaryRequest, SummaryRequest__Output as _stratus_v1_SummaryRequest__Output } from './stratus/v1/SummaryRequest';
import type { SummaryResponse as _stratus_v1_SummaryResponse, SummaryResponse__Output as _stratus_v1_SummaryResponse__Output } from './stratus/v1/SummaryResponse';
import type { SummaryRow as _stratus_v1_SummaryRow, SummaryRow__Output as _stratus_v1_SummaryRow__Output } from './stratus/v1/SummaryRow';
import type { UpdateFunctionRequest as _stratus_v1_UpdateFunctionRequest, UpdateFunctionRequest__Output as _stratus_v1_UpdateFunctionRequest__Output } from './stratus/v1/UpdateFunctionRequest';
import type { WatchEvent as _stratus_v1_WatchEvent, WatchEvent__Output as _stratus_v1_WatchEvent__Output } from './stratus/v1/WatchEvent';
import type { WatchRequest as _stratus_v1_WatchRequest, WatchRequest__Output as _stratus_v1_WatchRequest__Output } from './stratus/v1/WatchRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  stratus: {
    v1: {
      AgentService: SubtypeConstructor<typeof grpc.Client, _stratus_v1_AgentServiceClient> & { service: _stratus_v1_AgentServiceDefinition }
      BackendStatus: MessageTypeDefinition<_stratus_v1_BackendStatus, _stratus_v1_BackendStatus__Output>
      CodeChunk: MessageTypeDefinition<_stratus_v1_CodeChunk, _stratus_v1_CodeChunk__Output>
      CodeFile: MessageTypeDefinition<_stratus_v1_CodeFile, _stratus_v1_CodeFile__Output>
      CostRequest: MessageTypeDefinition<_stratus_v1_CostRequest, _stratus_v1_CostRequest__Output>
      CostResponse: MessageTypeDefinition<_stratus_v1_CostResponse, _stratus_v1_CostResponse__Output>
      CostRow: MessageTypeDefinition<_stratus_v1_CostRow, _stratus_v1_CostRow__Output>
      CreateFunctionRequest: MessageTypeDefinition<_stratus_v1_CreateFunctionRequest, _stratus_v1_CreateFunctionRequest__Output>
      DeleteFunctionRequest: MessageTypeDefinition<_stratus_v1_DeleteFunctionRequest, _stratus_v1_DeleteFunctionRequest__Output>
      DeleteFunctionResponse: MessageTypeDefinition<_stratus_v1_DeleteFunctionResponse, _stratus_v1_DeleteFunctionResponse__Output>
      Function: MessageTypeDefinition<_stratus_v1_Function, _stratus_v1_Function__Output>
      FunctionChanged: MessageTypeDefinition<_stratus_v1_FunctionChanged, _stratus_v1_FunctionChanged__Output>
      FunctionCode: MessageTypeDefinition<_stratus_v1_FunctionCode, _stratus_v1_FunctionCode__Output>
      FunctionDeleted: MessageTypeDefinition<_stratus_v1_FunctionDeleted, _stratus_v1_FunctionDeleted__Output>
      FunctionService: SubtypeConstructor<typeof grpc.Client, _stratus_v1_FunctionServiceClient> & { service: _stratus_v1_FunctionServiceDefinition }
      GetCodeArchiveRequest: MessageTypeDefinition<_stratus_v1_GetCodeArchiveRequest, _stratus_v1_GetCodeArchiveRequest__Output>
      GetFunctionRequest: MessageTypeDefinition<_stratus_v1_GetFunctionRequest, _stratus_v1_GetFunctionRequest__Output>
      GetInvocationRequest: MessageTypeDefinition<_stratus_v1_GetInvocationRequest, _stratus_v1_GetInvocationRequest__Output>
      GetPoolRequest: MessageTypeDefinition<_stratus_v1_GetPoolRequest, _stratus_v1_GetPoolRequest__Output>
      GetPoolResponse: MessageTypeDefinition<_stratus_v1_GetPoolResponse, _stratus_v1_GetPoolResponse__Output>
      GetStatusRequest: MessageTypeDefinition<_stratus_v1_GetStatusRequest, _stratus_v1_GetStatusRequest__Output>
      HeartbeatRequest: MessageTypeDefinition<_stratus_v1_HeartbeatRequest, _stratus_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_stratus_v1_HeartbeatResponse, _stratus_v1_HeartbeatResponse__Output>
      Invocation: MessageTypeDefinition<_stratus_v1_Invocation, _stratus_v1_Invocation__Output>
      InvocationOverhead: MessageTypeDefinition<_stratus_v1_InvocationOverhead, _stratus_v1_InvocationOverhead__Output>
      InvocationService: SubtypeConstructor<typeof grpc.Client, _stratus_v1_InvocationServiceClient> & { service: _stratus_v1_InvocationServiceDefinition }
      InvokeBatch: MessageTypeDefinition<_stratus_v1_InvokeBatch, _stratus_v1_InvokeBatch__Output>
      InvokeRequest: MessageTypeDefinition<_stratus_v1_InvokeRequest, _stratus_v1_InvokeRequest__Output>
      InvokeResponse: MessageTypeDefinition<_stratus_v1_InvokeResponse, _stratus_v1_InvokeResponse__Output>
      InvokeResponseBatch: MessageTypeDefinition<_stratus_v1_InvokeResponseBatch, _stratus_v1_InvokeResponseBatch__Output>
      ListFunctionsRequest: MessageTypeDefinition<_stratus_v1_ListFunctionsRequest, _stratus_v1_ListFunctionsRequest__Output>
      ListFunctionsResponse: MessageTypeDefinition<_stratus_v1_ListFunctionsResponse, _stratus_v1_ListFunctionsResponse__Output>
      ListInvocationsRequest: MessageTypeDefinition<_stratus_v1_ListInvocationsRequest, _stratus_v1_ListInvocationsRequest__Output>
      ListInvocationsResponse: MessageTypeDefinition<_stratus_v1_ListInvocationsResponse, _stratus_v1_ListInvocationsResponse__Output>
      ListNodesRequest: MessageTypeDefinition<_stratus_v1_ListNodesRequest, _stratus_v1_ListNodesRequest__Output>
      ListNodesResponse: MessageTypeDefinition<_stratus_v1_ListNodesResponse, _stratus_v1_ListNodesResponse__Output>
      ListVersionsRequest: MessageTypeDefinition<_stratus_v1_ListVersionsRequest, _stratus_v1_ListVersionsRequest__Output>
      ListVersionsResponse: MessageTypeDefinition<_stratus_v1_ListVersionsResponse, _stratus_v1_ListVersionsResponse__Output>
      MetricsService: SubtypeConstructor<typeof grpc.Client, _stratus_v1_MetricsServiceClient> & { service: _stratus_v1_MetricsServiceDefinition }
      NodeRemoved: MessageTypeDefinition<_stratus_v1_NodeRemoved, _stratus_v1_NodeRemoved__Output>
      NodeService: SubtypeConstructor<typeof grpc.Client, _stratus_v1_NodeServiceClient> & { service: _stratus_v1_NodeServiceDefinition }
      NodeStatus: MessageTypeDefinition<_stratus_v1_NodeStatus, _stratus_v1_NodeStatus__Output>
      OverheadColumns: MessageTypeDefinition<_stratus_v1_OverheadColumns, _stratus_v1_OverheadColumns__Output>
      PoolContainer: MessageTypeDefinition<_stratus_v1_PoolContainer, _stratus_v1_PoolContainer__Output>
      PoolService: SubtypeConstructor<typeof grpc.Client, _stratus_v1_PoolServiceClient> & { service: _stratus_v1_PoolServiceDefinition }
      RegisterNodeRequest: MessageTypeDefinition<_stratus_v1_RegisterNodeRequest, _stratus_v1_RegisterNodeRequest__Output>
      RegisterNodeResponse: MessageTypeDefinition<_stratus_v1_RegisterNodeResponse, _stratus_v1_RegisterNodeResponse__Output>
      SeriesRequest: MessageTypeDefinition<_stratus_v1_SeriesRequest, _stratus_v1_SeriesRequest__Output>
      SeriesResponse: MessageTypeDefinition<_stratus_v1_SeriesResponse, _stratus_v1_SeriesResponse__Output>
      SetMetricsRequest: MessageTypeDefinition<_stratus_v1_SetMetricsRequest, _stratus_v1_SetMetricsRequest__Output>
      SetMetricsResponse: MessageTypeDefinition<_stratus_v1_SetMetricsResponse, _stratus_v1_SetMetricsResponse__Output>
      Snapshot: MessageTypeDefinition<_stratus_v1_Snapshot, _stratus_v1_Snapshot__Output>
      SummaryRequest: MessageTypeDefinition<_stratus_v1_SummaryRequest, _stratus_v1_SummaryRequest__Output>
      SummaryResponse: MessageTypeDefinition<_stratus_v1_SummaryResponse, _stratus_v1_SummaryResponse__Output>
      SummaryRow: MessageTypeDefinition<_stratus_v1_SummaryRow, _stratus_v1_SummaryRow__Output>
      UpdateFunctionRequest: MessageTypeDefinition<_stratus_v1_UpdateFunctionRequest, _stratus_v1_UpdateFunctionRequest__Output>
      WatchEvent: MessageTypeDefinition<_stratus_v1_WatchEvent, _stratus_v1_WatchEvent__Output>
      WatchRequest: MessageTypeDefinition<_stratus_v1_WatchRequest, _stratus_v1_WatchRequest__Output>
    }
  }
}

