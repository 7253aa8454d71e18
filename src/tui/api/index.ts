// The dashboard's HTTP side: the API client, its answer types and --http.config.file.
export { ApiClient, parseAnswer, type ApiError, type ApiErrorKind, type ApiResult, type ConnectionState, type FetchLike, type Params } from './client.js';
export { loadHttpConfigFile, httpSettingsFrom, fetchFor, HttpConfigError, type HttpSettings } from './httpConfig.js';
export type * from './types.js';
