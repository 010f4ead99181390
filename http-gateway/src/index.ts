export { startGateway, type Gateway, type GatewayDeps } from './server';
export { chooseAgent, type PlacementInput, type PlacementChoice, type PlacementFunction } from '@stratus/common/placement.ts';
export { ClusterView } from './placement/cluster-view';
export { createControlClients, unaryCall, type ControlClients } from './admin/control-clients';
export { decodeJsonBody, encodeJson } from './admin/json-mapping';
export { statusFor } from './invoke/routes';
