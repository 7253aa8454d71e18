// discovery: service discovery manager and providers (static, file, http, dns, kubernetes, consul), plus the
// http_client_config client they and the scrape loop share. Other areas import only this file.
export type { TargetGroup, Discoverer, DiscovererContext, DiscovererFactory } from './types.js';
export { DiscoveryManager, registerDiscoverer, type JobGroups, type Subscriber, type DiscoveryManagerOptions } from './manager.js';
export { staticGroups, StaticDiscoverer } from './static.js';
export { FileDiscoverer, parseFileSD, FileSDError, FILEPATH_LABEL } from './file.js';
export { HttpDiscoverer, HttpSDError, URL_LABEL } from './http.js';
export { DnsDiscoverer, type DnsResolver } from './dns.js';
export { HttpClient, HttpClientError, errBodySizeLimit, type HttpResponse, type GetOptions, type HttpErrorCode } from './httpclient.js';
export { OAuth2Token, OAuth2Error } from './oauth2.js';
