export * from './errors';
export * from './logger';
export * from './config';
export * from './limits';
export * from './grpc';
export * from './events';
export * from './nats';
export * from './label-cap';
