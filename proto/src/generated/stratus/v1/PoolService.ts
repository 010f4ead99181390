// Original file: stratus/v1/stratus.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetPoolRequest as _stratus_v1_GetPoolRequest, GetPoolRequest__Output as _stratus_v1_GetPoolRequest__Output } from '../../stratus/v1/GetPoolRequest';
import type { GetPoolResponse as _stratus_v1_GetPoolResponse, GetPoolResponse__Output as _stratus_v1_GetPoolResponse__Output } from '../../stratus/v1/GetPoolResponse';

export interface PoolServiceClient extends grpc.Client {
  GetPool(argument: _stratus_v1_GetPoolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  GetPool(argument: _stratus_v1_GetPoolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  GetPool(argument: _stratus_v1_GetPoolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  GetPool(argument: _stratus_v1_GetPoolRequest, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  getPool(argument: _stratus_v1_GetPoolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  getPool(argument: _stratus_v1_GetPoolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  getPool(argument: _stratus_v1_GetPoolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  getPool(argument: _stratus_v1_GetPoolRequest, callback: grpc.requestCallback<_stratus_v1_GetPoolResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PoolServiceHandlers extends grpc.UntypedServiceImplementation {
  GetPool: grpc.handleUnaryCall<_stratus_v1_GetPoolRequest__Output, _stratus_v1_GetPoolResponse>;
  
}

export interface PoolServiceDefinition extends grpc.ServiceDefinition {
  GetPool: MethodDefinition<_stratus_v1_GetPoolRequest, _stratus_v1_GetPoolResponse, _stratus_v1_GetPoolRequest__Output, _stratus_v1_GetPoolResponse__Output>
}
