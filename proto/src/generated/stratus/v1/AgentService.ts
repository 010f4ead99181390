// Original file: stratus/v1/stratus.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetStatusRequest as _stratus_v1_GetStatusRequest, GetStatusRequest__Output as _stratus_v1_GetStatusRequest__Output } from '../../stratus/v1/GetStatusRequest';
import type { NodeStatus as _stratus_v1_NodeStatus, NodeStatus__Output as _stratus_v1_NodeStatus__Output } from '../../stratus/v1/NodeStatus';
import type { SetMetricsRequest as _stratus_v1_SetMetricsRequest, SetMetricsRequest__Output as _stratus_v1_SetMetricsRequest__Output } from '../../stratus/v1/SetMetricsRequest';
import type { SetMetricsResponse as _stratus_v1_SetMetricsResponse, SetMetricsResponse__Output as _stratus_v1_SetMetricsResponse__Output } from '../../stratus/v1/SetMetricsResponse';

export interface AgentServiceClient extends grpc.Client {
  GetStatus(argument: _stratus_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _stratus_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _stratus_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _stratus_v1_GetStatusRequest, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _stratus_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _stratus_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _stratus_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _stratus_v1_GetStatusRequest, callback: grpc.requestCallback<_stratus_v1_NodeStatus__Output>): grpc.ClientUnaryCall;
  
  SetMetrics(argument: _stratus_v1_SetMetricsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  SetMetrics(argument: _stratus_v1_SetMetricsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  SetMetrics(argument: _stratus_v1_SetMetricsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  SetMetrics(argument: _stratus_v1_SetMetricsRequest, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  setMetrics(argument: _stratus_v1_SetMetricsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  setMetrics(argument: _stratus_v1_SetMetricsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  setMetrics(argument: _stratus_v1_SetMetricsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  setMetrics(argument: _stratus_v1_SetMetricsRequest, callback: grpc.requestCallback<_stratus_v1_SetMetricsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  GetStatus: grpc.handleUnaryCall<_stratus_v1_GetStatusRequest__Output, _stratus_v1_NodeStatus>;
  
  SetMetrics: grpc.handleUnaryCall<_stratus_v1_SetMetricsRequest__Output, _stratus_v1_SetMetricsResponse>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  GetStatus: MethodDefinition<_stratus_v1_GetStatusRequest, _stratus_v1_NodeStatus, _stratus_v1_GetStatusRequest__Output, _stratus_v1_NodeStatus__Output>
  SetMetrics: MethodDefinition<_stratus_v1_SetMetricsRequest, _stratus_v1_SetMetricsResponse, _stratus_v1_SetMetricsRequest__Output, _stratus_v1_SetMetricsResponse__Output>
}
