// Original file: stratus/v1/stratus.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CostRequest as _stratus_v1_CostRequest, CostRequest__Output as _stratus_v1_CostRequest__Output } from '../../stratus/v1/CostRequest';
import type { CostResponse as _stratus_v1_CostResponse, CostResponse__Output as _stratus_v1_CostResponse__Output } from '../../stratus/v1/CostResponse';
import type { SeriesRequest as _stratus_v1_SeriesRequest, SeriesRequest__Output as _stratus_v1_SeriesRequest__Output } from '../../stratus/v1/SeriesRequest';
import type { SeriesResponse as _stratus_v1_SeriesResponse, SeriesResponse__Output as _stratus_v1_SeriesResponse__Output } from '../../stratus/v1/SeriesResponse';
import type { SummaryRequest as _stratus_v1_SummaryRequest, SummaryRequest__Output as _stratus_v1_SummaryRequest__Output } from '../../stratus/v1/SummaryRequest';
import type { SummaryResponse as _stratus_v1_SummaryResponse, SummaryResponse__Output as _stratus_v1_SummaryResponse__Output } from '../../stratus/v1/SummaryResponse';

export interface MetricsServiceClient extends grpc.Client {
  GetCost(argument: _stratus_v1_CostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  GetCost(argument: _stratus_v1_CostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  GetCost(argument: _stratus_v1_CostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  GetCost(argument: _stratus_v1_CostRequest, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  getCost(argument: _stratus_v1_CostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  getCost(argument: _stratus_v1_CostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  getCost(argument: _stratus_v1_CostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  getCost(argument: _stratus_v1_CostRequest, callback: grpc.requestCallback<_stratus_v1_CostResponse__Output>): grpc.ClientUnaryCall;
  
  GetSeries(argument: _stratus_v1_SeriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  GetSeries(argument: _stratus_v1_SeriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  GetSeries(argument: _stratus_v1_SeriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  GetSeries(argument: _stratus_v1_SeriesRequest, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  getSeries(argument: _stratus_v1_SeriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  getSeries(argument: _stratus_v1_SeriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  getSeries(argument: _stratus_v1_SeriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  getSeries(argument: _stratus_v1_SeriesRequest, callback: grpc.requestCallback<_stratus_v1_SeriesResponse__Output>): grpc.ClientUnaryCall;
  
  GetSummary(argument: _stratus_v1_SummaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  GetSummary(argument: _stratus_v1_SummaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  GetSummary(argument: _stratus_v1_SummaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  GetSummary(argument: _stratus_v1_SummaryRequest, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  getSummary(argument: _stratus_v1_SummaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  getSummary(argument: _stratus_v1_SummaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  getSummary(argument: _stratus_v1_SummaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  getSummary(argument: _stratus_v1_SummaryRequest, callback: grpc.requestCallback<_stratus_v1_SummaryResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface MetricsServiceHandlers extends grpc.UntypedServiceImplementation {
  GetCost: grpc.handleUnaryCall<_stratus_v1_CostRequest__Output, _stratus_v1_CostResponse>;
  
  GetSeries: grpc.handleUnaryCall<_stratus_v1_SeriesRequest__Output, _stratus_v1_SeriesResponse>;
  
  GetSummary: grpc.handleUnaryCall<_stratus_v1_SummaryRequest__Output, _stratus_v1_SummaryResponse>;
  
}

export interface MetricsServiceDefinition extends grpc.ServiceDefinition {
  GetCost: MethodDefinition<_stratus_v1_CostRequest, _stratus_v1_CostResponse, _stratus_v1_CostRequest__Output, _stratus_v1_CostResponse__Output>
  GetSeries: MethodDefinition<_stratus_v1_SeriesRequest, _stratus_v1_SeriesResponse, _stratus_v1_SeriesRequest__Output, _stratus_v1_SeriesResponse__Output>
  GetSummary: MethodDefinition<_stratus_v1_SummaryRequest, _stratus_v1_SummaryResponse, _stratus_v1_SummaryRequest__Output, _stratus_v1_SummaryResponse__Output>
}
