export { startPlatform, agentEnvFor, REPO_ROOT, type Platform, type PlatformOptions, type AgentHandle, type InvokeHttpResult } from './platform';
export { FIXTURES, FIXTURES_DIR, fixtureDir, fixtureFiles, type FixtureName } from './fixtures';
export { containersWithLabels, removeContainers, availableBackends, dockerAvailable, dockerRunRm } from './docker';
export { testBackends } from './backends';
export { listServices } from './reflection';
export { rawZip, deflatedZip } from './zip';
