// web: Prometheus 2.42's HTTP surface — API v1, /federate, lifecycle, /metrics — and the
// web config (TLS, basic auth, headers). The server injects everything it reads through
// WebDeps (types.ts); other areas import only this file.
export { createWebHandler, routePrefixOf, externalPath, type RequestHandler } from './handler.js';
export { startWebServer, splitListenAddress, ListenError, type WebServer } from './server.js';
export { parseWebConfig, loadWebConfigFile, type WebConfig, type WebTlsConfig, type ClientAuthType } from './webconfig.js';
export { parseMetricSelector, SelectorParseError } from './selector.js';
export { ApiError, WebConfigError, type ApiErrorType } from './errors.js';
export { formatGoFloatE, formatGoFloatG, formatPointTime, formatPointValue } from './format.js';
export type * from './types.js';
