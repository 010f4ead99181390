// Original file: stratus/v1/stratus.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CodeChunk as _stratus_v1_CodeChunk, CodeChunk__Output as _stratus_v1_CodeChunk__Output } from '../../stratus/v1/CodeChunk';
import type { CreateFunctionRequest as _stratus_v1_CreateFunctionRequest, CreateFunctionRequest__Output as _stratus_v1_CreateFunctionRequest__Output } from '../../stratus/v1/CreateFunctionRequest';
import type { DeleteFunctionRequest as _stratus_v1_DeleteFunctionRequest, DeleteFunctionRequest__Output as _stratus_v1_DeleteFunctionRequest__Output } from '../../stratus/v1/DeleteFunctionRequest';
import type { DeleteFunctionResponse as _stratus_v1_DeleteFunctionResponse, DeleteFunctionResponse__Output as _stratus_v1_DeleteFunctionResponse__Output } from '../../stratus/v1/DeleteFunctionResponse';
import type { Function as _stratus_v1_Function, Function__Output as _stratus_v1_Function__Output } from '../../stratus/v1/Function';
import type { FunctionCode as _stratus_v1_FunctionCode, FunctionCode__Output as _stratus_v1_FunctionCode__Output } from '../../stratus/v1/FunctionCode';
import type { GetCodeArchiveRequest as _stratus_v1_GetCodeArchiveRequest, GetCodeArchiveRequest__Output as _stratus_v1_GetCodeArchiveRequest__Output } from '../../stratus/v1/GetCodeArchiveRequest';
import type { GetFunctionRequest as _stratus_v1_GetFunctionRequest, GetFunctionRequest__Output as _stratus_v1_GetFunctionRequest__Output } from '../../stratus/v1/GetFunctionRequest';
import type { ListFunctionsRequest as _stratus_v1_ListFunctionsRequest, ListFunctionsRequest__Output as _stratus_v1_ListFunctionsRequest__Output } from '../../stratus/v1/ListFunctionsRequest';
import type { ListFunctionsResponse as _stratus_v1_ListFunctionsResponse, ListFunctionsResponse__Output as _stratus_v1_ListFunctionsResponse__Output } from '../../stratus/v1/ListFunctionsResponse';
import type { ListVersionsRequest as _stratus_v1_ListVersionsRequest, ListVersionsRequest__Output as _stratus_v1_ListVersionsRequest__Output } from '../../stratus/v1/ListVersionsRequest';
import type { ListVersionsResponse as _stratus_v1_ListVersionsResponse, ListVersionsResponse__Output as _stratus_v1_ListVersionsResponse__Output } from '../../stratus/v1/ListVersionsResponse';
import type { UpdateFunctionRequest as _stratus_v1_UpdateFunctionRequest, UpdateFunctionRequest__Output as _stratus_v1_UpdateFunctionRequest__Output } from '../../stratus/v1/UpdateFunctionRequest';

export interface FunctionServiceClient extends grpc.Client {
  CreateFunction(argument: _stratus_v1_CreateFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  CreateFunction(argument: _stratus_v1_CreateFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  CreateFunction(argument: _stratus_v1_CreateFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  CreateFunction(argument: _stratus_v1_CreateFunctionRequest, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  createFunction(argument: _stratus_v1_CreateFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  createFunction(argument: _stratus_v1_CreateFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  createFunction(argument: _stratus_v1_CreateFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  createFunction(argument: _stratus_v1_CreateFunctionRequest, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  
  DeleteFunction(argument: _stratus_v1_DeleteFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  DeleteFunction(argument: _stratus_v1_DeleteFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  DeleteFunction(argument: _stratus_v1_DeleteFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  DeleteFunction(argument: _stratus_v1_DeleteFunctionRequest, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  deleteFunction(argument: _stratus_v1_DeleteFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  deleteFunction(argument: _stratus_v1_DeleteFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  deleteFunction(argument: _stratus_v1_DeleteFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  deleteFunction(argument: _stratus_v1_DeleteFunctionRequest, callback: grpc.requestCallback<_stratus_v1_DeleteFunctionResponse__Output>): grpc.ClientUnaryCall;
  
  GetCodeArchive(argument: _stratus_v1_GetCodeArchiveRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_CodeChunk__Output>;
  GetCodeArchive(argument: _stratus_v1_GetCodeArchiveRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_CodeChunk__Output>;
  getCodeArchive(argument: _stratus_v1_GetCodeArchiveRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_CodeChunk__Output>;
  getCodeArchive(argument: _stratus_v1_GetCodeArchiveRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_stratus_v1_CodeChunk__Output>;
  
  GetFunction(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  GetFunction(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  GetFunction(argument: _stratus_v1_GetFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  GetFunction(argument: _stratus_v1_GetFunctionRequest, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  getFunction(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  getFunction(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  getFunction(argument: _stratus_v1_GetFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  getFunction(argument: _stratus_v1_GetFunctionRequest, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  
  GetFunctionCode(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  GetFunctionCode(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  GetFunctionCode(argument: _stratus_v1_GetFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  GetFunctionCode(argument: _stratus_v1_GetFunctionRequest, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  getFunctionCode(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  getFunctionCode(argument: _stratus_v1_GetFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  getFunctionCode(argument: _stratus_v1_GetFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  getFunctionCode(argument: _stratus_v1_GetFunctionRequest, callback: grpc.requestCallback<_stratus_v1_FunctionCode__Output>): grpc.ClientUnaryCall;
  
  ListFunctions(argument: _stratus_v1_ListFunctionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  ListFunctions(argument: _stratus_v1_ListFunctionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  ListFunctions(argument: _stratus_v1_ListFunctionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  ListFunctions(argument: _stratus_v1_ListFunctionsRequest, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  listFunctions(argument: _stratus_v1_ListFunctionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  listFunctions(argument: _stratus_v1_ListFunctionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  listFunctions(argument: _stratus_v1_ListFunctionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  listFunctions(argument: _stratus_v1_ListFunctionsRequest, callback: grpc.requestCallback<_stratus_v1_ListFunctionsResponse__Output>): grpc.ClientUnaryCall;
  
  ListVersions(argument: _stratus_v1_ListVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListVersions(argument: _stratus_v1_ListVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListVersions(argument: _stratus_v1_ListVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListVersions(argument: _stratus_v1_ListVersionsRequest, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _stratus_v1_ListVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _stratus_v1_ListVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _stratus_v1_ListVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _stratus_v1_ListVersionsRequest, callback: grpc.requestCallback<_stratus_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateFunction(argument: _stratus_v1_UpdateFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  UpdateFunction(argument: _stratus_v1_UpdateFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  UpdateFunction(argument: _stratus_v1_UpdateFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  UpdateFunction(argument: _stratus_v1_UpdateFunctionRequest, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  updateFunction(argument: _stratus_v1_UpdateFunctionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  updateFunction(argument: _stratus_v1_UpdateFunctionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  updateFunction(argument: _stratus_v1_UpdateFunctionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  updateFunction(argument: _stratus_v1_UpdateFunctionRequest, callback: grpc.requestCallback<_stratus_v1_Function__Output>): grpc.ClientUnaryCall;
  
}

export interface FunctionServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateFunction: grpc.handleUnaryCall<_stratus_v1_CreateFunctionRequest__Output, _stratus_v1_Function>;
  
  DeleteFunction: grpc.handleUnaryCall<_stratus_v1_DeleteFunctionRequest__Output, _stratus_v1_DeleteFunctionResponse>;
  
  GetCodeArchive: grpc.handleServerStreamingCall<_stratus_v1_GetCodeArchiveRequest__Output, _stratus_v1_CodeChunk>;
  
  GetFunction: grpc.handleUnaryCall<_stratus_v1_GetFunctionRequest__Output, _stratus_v1_Function>;
  
  GetFunctionCode: grpc.handleUnaryCall<_stratus_v1_GetFunctionRequest__Output, _stratus_v1_FunctionCode>;
  
  ListFunctions: grpc.handleUnaryCall<_stratus_v1_ListFunctionsRequest__Output, _stratus_v1_ListFunctionsResponse>;
  
  ListVersions: grpc.handleUnaryCall<_stratus_v1_ListVersionsRequest__Output, _stratus_v1_ListVersionsResponse>;
  
  UpdateFunction: grpc.handleUnaryCall<_stratus_v1_UpdateFunctionRequest__Output, _stratus_v1_Function>;
  
}

export interface FunctionServiceDefinition extends grpc.ServiceDefinition {
  CreateFunction: MethodDefinition<_stratus_v1_CreateFunctionRequest, _stratus_v1_Function, _stratus_v1_CreateFunctionRequest__Output, _stratus_v1_Function__Output>
  DeleteFunction: MethodDefinition<_stratus_v1_DeleteFunctionRequest, _stratus_v1_DeleteFunctionResponse, _stratus_v1_DeleteFunctionRequest__Output, _stratus_v1_DeleteFunctionResponse__Output>
  GetCodeArchive: MethodDefinition<_stratus_v1_GetCodeArchiveRequest, _stratus_v1_CodeChunk, _stratus_v1_GetCodeArchiveRequest__Output, _stratus_v1_CodeChunk__Output>
  GetFunction: MethodDefinition<_stratus_v1_GetFunctionRequest, _stratus_v1_Function, _stratus_v1_GetFunctionRequest__Output, _stratus_v1_Function__Output>
  GetFunctionCode: MethodDefinition<_stratus_v1_GetFunctionRequest, _stratus_v1_FunctionCode, _stratus_v1_GetFunctionRequest__Output, _stratus_v1_FunctionCode__Output>
  ListFunctions: MethodDefinition<_stratus_v1_ListFunctionsRequest, _stratus_v1_ListFunctionsResponse, _stratus_v1_ListFunctionsRequest__Output, _stratus_v1_ListFunctionsResponse__Output>
  ListVersions: MethodDefinition<_stratus_v1_ListVersionsRequest, _stratus_v1_ListVersionsResponse, _stratus_v1_ListVersionsRequest__Output, _stratus_v1_ListVersionsResponse__Output>
  UpdateFunction: MethodDefinition<_stratus_v1_UpdateFunctionRequest, _stratus_v1_Function, _stratus_v1_UpdateFunctionRequest__Output, _stratus_v1_Function__Output>
}
