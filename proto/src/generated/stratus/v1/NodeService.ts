// Original file: stratus/v1/stratus.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HeartbeatRequest as _stratus_v1_HeartbeatRequest, HeartbeatRequest__Output as _stratus_v1_HeartbeatRequest__Output } from '../../stratus/v1/HeartbeatRequest';
import type { HeartbeatResponse as _stratus_v1_HeartbeatResponse, HeartbeatResponse__Output as _stratus_v1_HeartbeatResponse__Output } from '../../stratus/v1/HeartbeatResponse';
import type { ListNodesRequest as _stratus_v1_ListNodesRequest, ListNodesRequest__Output as _stratus_v1_ListNodesRequest__Output } from '../../stratus/v1/ListNodesRequest';
import type { ListNodesResponse as _stratus_v1_ListNodesResponse, ListNodesResponse__Output as _stratus_v1_ListNodesResponse__Output } from '../../stratus/v1/ListNodesResponse';
import type { RegisterNodeRequest as _stratus_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _stratus_v1_RegisterNodeRequest__Output } from '../../stratus/v1/RegisterNodeRequest';
import type { RegisterNodeResponse as _stratus_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _stratus_v1_RegisterNodeResponse__Output } from '../../stratus/v1/RegisterNodeResponse';
import type { WatchEvent as _stratus_v1_WatchEvent, WatchEvent__Output as _stratus_v1_WatchEvent__Output } from '../../stratus/v1/WatchEvent';
import type { WatchRequest as _stratus_v1_WatchRequest, WatchRequest__Output as _stratus_v1_WatchRequest__Output } from '../../stratus/v1/WatchRequest';

export interface NodeServiceClient extends grpc.Client {
  Heartbeat(argument: _stratus_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _stratus_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _stratus_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _stratus_v1_HeartbeatRequest, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _stratus_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _stratus_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _stratus_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _stratus_v1_HeartbeatRequest, callback: grpc.requestCallback<_stratus_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  ListNodes(argument: _stratus_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _stratus_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _stratus_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _stratus_v1_ListNodesRequest, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _stratus_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _stratus_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _stratus_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _stratus_v1_ListNodesRequest, callback: grpc.requestCallback<_stratus_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  
  RegisterNode(argument: _stratus_v1_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _stratus_v1_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _stratus_v1_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _stratus_v1_RegisterNodeRequest, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _stratus_v1_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _stratus_v1_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _stratus_v1_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _stratus_v1_RegisterNodeRequest, callback: grpc.requestCallback<_stratus_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  
  Watch(argument: _stratus_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_WatchEvent__Output>;
  Watch(argument: _stratus_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_WatchEvent__Output>;
  watch(argument: _stratus_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_WatchEvent__Output>;
  watch(argument: _stratus_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_WatchEvent__Output>;
  
}

export interface NodeServiceHandlers extends grpc.UntypedServiceImplementation {
  Heartbeat: grpc.handleUnaryCall<_stratus_v1_HeartbeatRequest__Output, _stratus_v1_HeartbeatResponse>;
  
  ListNodes: grpc.handleUnaryCall<_stratus_v1_ListNodesRequest__Output, _stratus_v1_ListNodesResponse>;
  
  RegisterNode: grpc.handleUnaryCall<_stratus_v1_RegisterNodeRequest__Output, _stratus_v1_RegisterNodeResponse>;
  
  Watch: grpc.handleServerStreamingCall<_stratus_v1_WatchRequest__Output, _stratus_v1_WatchEvent>;
  
}

export interface NodeServiceDefinition extends grpc.ServiceDefinition {
  Heartbeat: MethodDefinition<_stratus_v1_HeartbeatRequest, _stratus_v1_HeartbeatResponse, _stratus_v1_HeartbeatRequest__Output, _stratus_v1_HeartbeatResponse__Output>
  ListNodes: MethodDefinition<_stratus_v1_ListNodesRequest, _stratus_v1_ListNodesResponse, _stratus_v1_ListNodesRequest__Output, _stratus_v1_ListNodesResponse__Output>
  RegisterNode: MethodDefinition<_stratus_v1_RegisterNodeRequest, _stratus_v1_RegisterNodeResponse, _stratus_v1_RegisterNodeRequest__Output, _stratus_v1_RegisterNodeResponse__Output>
  Watch: MethodDefinition<_stratus_v1_WatchRequest, _stratus_v1_WatchEvent, _stratus_v1_WatchRequest__Output, _stratus_v1_WatchEvent__Output>
}
