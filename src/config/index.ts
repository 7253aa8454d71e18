// config: prometheus.yml (and web config) schema, defaults, validation with file:line:col
// errors. Other areas import only this file.
export * from './types.js';
export { ConfigError, goQuote, type ConfigErrorCode } from './errors.js';
export { loadConfigFile, parseConfig, defaultConfig, setDirectory, joinDir, DEFAULT_GLOBAL, defaultQueueConfig, defaultMetadataConfig, type LoadOptions } from './load.js';
export { runCheckConfig, existingFilesError, checkConfig, checkSDFile, explain, SUCCESS_EXIT, FAILURE_EXIT, LINT_EXIT, type CheckConfigOptions, type CheckOutput } from './check.js';
export { DEFAULT_RELABEL, compileAnchored } from './relabel.js';
export { defaultHTTPClientConfig, defaultTLSConfig } from './http.js';
export { parseGoURL } from './url.js';
export { globFiles } from './glob.js';
export { parseWebConfig, loadWebConfigFile, validateWebConfigFile, bcryptCostError, type WebConfig, type TLSServerConfig, type HTTPServerConfig, type ClientAuthType } from './webconfig.js';
export { DEFAULT_CONFIG_YAML, renderConfigYaml } from './render.js';
export { positionOf } from './positions.js';
export { ruleFilePosition } from './load.js';
