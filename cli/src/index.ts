export { runCli, defaultIo, type CliIo } from './main';
export { deploySettings, readCodeDir, zipDir, type DeploySettings } from './deploy-config';
