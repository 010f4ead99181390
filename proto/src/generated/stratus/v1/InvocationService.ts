// Original file: stratus/v1/stratus.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetInvocationRequest as _stratus_v1_GetInvocationRequest, GetInvocationRequest__Output as _stratus_v1_GetInvocationRequest__Output } from '../../stratus/v1/GetInvocationRequest';
import type { Invocation as _stratus_v1_Invocation, Invocation__Output as _stratus_v1_Invocation__Output } from '../../stratus/v1/Invocation';
import type { InvokeBatch as _stratus_v1_InvokeBatch, InvokeBatch__Output as _stratus_v1_InvokeBatch__Output } from '../../stratus/v1/InvokeBatch';
import type { InvokeRequest as _stratus_v1_InvokeRequest, InvokeRequest__Output as _stratus_v1_InvokeRequest__Output } from '../../stratus/v1/InvokeRequest';
import type { InvokeResponse as _stratus_v1_InvokeResponse, InvokeResponse__Output as _stratus_v1_InvokeResponse__Output } from '../../stratus/v1/InvokeResponse';
import type { InvokeResponseBatch as _stratus_v1_InvokeResponseBatch, InvokeResponseBatch__Output as _stratus_v1_InvokeResponseBatch__Output } from '../../stratus/v1/InvokeResponseBatch';
import type { ListInvocationsRequest as _stratus_v1_ListInvocationsRequest, ListInvocationsRequest__Output as _stratus_v1_ListInvocationsRequest__Output } from '../../stratus/v1/ListInvocationsRequest';
import type { ListInvocationsResponse as _stratus_v1_ListInvocationsResponse, ListInvocationsResponse__Output as _stratus_v1_ListInvocationsResponse__Output } from '../../stratus/v1/ListInvocationsResponse';

export interface InvocationServiceClient extends grpc.Client {
  GetInvocation(argument: _stratus_v1_GetInvocationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  GetInvocation(argument: _stratus_v1_GetInvocationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  GetInvocation(argument: _stratus_v1_GetInvocationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  GetInvocation(argument: _stratus_v1_GetInvocationRequest, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  getInvocation(argument: _stratus_v1_GetInvocationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  getInvocation(argument: _stratus_v1_GetInvocationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  getInvocation(argument: _stratus_v1_GetInvocationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  getInvocation(argument: _stratus_v1_GetInvocationRequest, callback: grpc.requestCallback<_stratus_v1_Invocation__Output>): grpc.ClientUnaryCall;
  
  Invoke(argument: _stratus_v1_InvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _stratus_v1_InvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _stratus_v1_InvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _stratus_v1_InvokeRequest, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _stratus_v1_InvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _stratus_v1_InvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _stratus_v1_InvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _stratus_v1_InvokeRequest, callback: grpc.requestCallback<_stratus_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  
  InvokeBatchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeBatch, _stratus_v1_InvokeResponseBatch__Output>;
  InvokeBatchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeBatch, _stratus_v1_InvokeResponseBatch__Output>;
  invokeBatchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeBatch, _stratus_v1_InvokeResponseBatch__Output>;
  invokeBatchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeBatch, _stratus_v1_InvokeResponseBatch__Output>;
  
  InvokeStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeRequest, _stratus_v1_InvokeResponse__Output>;
  InvokeStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeRequest, _stratus_v1_InvokeResponse__Output>;
  invokeStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeRequest, _stratus_v1_InvokeResponse__Output>;
  invokeStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_stratus_v1_InvokeRequest, _stratus_v1_InvokeResponse__Output>;
  
  ListInvocations(argument: _stratus_v1_ListInvocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  ListInvocations(argument: _stratus_v1_ListInvocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  ListInvocations(argument: _stratus_v1_ListInvocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  ListInvocations(argument: _stratus_v1_ListInvocationsRequest, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  listInvocations(argument: _stratus_v1_ListInvocationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  listInvocations(argument: _stratus_v1_ListInvocationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  listInvocations(argument: _stratus_v1_ListInvocationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  listInvocations(argument: _stratus_v1_ListInvocationsRequest, callback: grpc.requestCallback<_stratus_v1_ListInvocationsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface InvocationServiceHandlers extends grpc.UntypedServiceImplementation {
  GetInvocation: grpc.handleUnaryCall<_stratus_v1_GetInvocationRequest__Output, _stratus_v1_Invocation>;
  
  Invoke: grpc.handleUnaryCall<_stratus_v1_InvokeRequest__Output, _stratus_v1_InvokeResponse>;
  
  InvokeBatchStream: grpc.handleBidiStreamingCall<_stratus_v1_InvokeBatch__Output, _stratus_v1_InvokeResponseBatch>;
  
  InvokeStream: grpc.handleBidiStreamingCall<_stratus_v1_InvokeRequest__Output, _stratus_v1_InvokeResponse>;
  
  ListInvocations: grpc.handleUnaryCall<_stratus_v1_ListInvocationsRequest__Output, _stratus_v1_ListInvocationsResponse>;
  
}

export interface InvocationServiceDefinition extends grpc.ServiceDefinition {
  GetInvocation: MethodDefinition<_stratus_v1_GetInvocationRequest, _stratus_v1_Invocation, _stratus_v1_GetInvocationRequest__Output, _stratus_v1_Invocation__Output>
  Invoke: MethodDefinition<_stratus_v1_InvokeRequest, _stratus_v1_InvokeResponse, _stratus_v1_InvokeRequest__Output, _stratus_v1_InvokeResponse__Output>
  InvokeBatchStream: MethodDefinition<_stratus_v1_InvokeBatch, _stratus_v1_InvokeResponseBatch, _stratus_v1_InvokeBatch__Output, _stratus_v1_InvokeResponseBatch__Output>
  InvokeStream: MethodDefinition<_stratus_v1_InvokeRequest, _stratus_v1_InvokeResponse, _stratus_v1_InvokeRequest__Output, _stratus_v1_InvokeResponse__Output>
  ListInvocations: MethodDefinition<_stratus_v1_ListInvocationsRequest, _stratus_v1_ListInvocationsResponse, _stratus_v1_ListInvocationsRequest__Output, _stratus_v1_ListInvocationsResponse__Output>
}
