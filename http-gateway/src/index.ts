export { startGateway, type Gateway, type GatewayDeps } from './server';
export { chooseAgent, type PlacementInput, type PlacementChoice, type PlacementFunction } from './placement/choose-agent';
export { ClusterView } from './placement/cluster-view';
export { createControlClients, unaryCall, type ControlClients } from './admin/control-clients';
export { decodeJsonBody, encodeJson } from './admin/json-mapping';
export { statusFor } from './invoke/routes';
