/**
 * The listening side: HTTP or HTTPS (from --web.config.file), basic auth and configured
 * headers in front of the handler, --web.max-connections, --web.read-timeout.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import type { TLSSocket, SecureVersion } from 'node:tls';
import { readFile, stat } from 'node:fs/promises';
import { BasicAuthChecker } from './auth.js';
import { createWebHandler, type RequestHandler } from './handler.js';
import { sendGoError } from './http.js';
import { loadWebConfigFile, type WebConfig, type WebTlsConfig } from './webconfig.js';
import type { WebDeps, WebOptions } from './types.js';
import { PromtsError } from '../model/index.js';

export interface WebServer {
  readonly server: Server;
  /** The bound address, e.g. "127.0.0.1:9090". */
  readonly address: string;
  readonly port: number;
  readonly tls: boolean;
  /** Stops accepting, ends idle keep-alive connections and waits for in-flight requests. */
  close(): Promise<void>;
}

/** Binding failed; `errno` is Node's code ("EADDRINUSE", "EACCES", ...). */
export class ListenError extends PromtsError {
  constructor(
    message: string,
    readonly errno?: string,
  ) {
    super('listen_failed', message);
  }
}

const BIND_ERRORS: Record<string, string> = { EADDRINUSE: 'address already in use', EACCES: 'permission denied', EADDRNOTAVAIL: 'cannot assign requested address' };

const TLS_NAMES: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

async function tlsOptions(t: WebTlsConfig): Promise<HttpsOptions> {
  const [cert, key, ca] = await Promise.all([readFile(t.certFile), readFile(t.keyFile), t.clientCaFile ? readFile(t.clientCaFile) : undefined]);
  const o: HttpsOptions = { cert, key, minVersion: TLS_NAMES[t.minVersion] };
  if (t.maxVersion) o.maxVersion = TLS_NAMES[t.maxVersion];
  if (ca) o.ca = ca;
  if (t.clientAuthType !== 'NoClientCert') {
    o.requestCert = true;
    // Only RequireAndVerifyClientCert makes the handshake itself fail; the other policies
    // are checked per connection in checkClientCert.
    o.rejectUnauthorized = t.clientAuthType === 'RequireAndVerifyClientCert';
  }
  return o;
}

/** Client-certificate policies Node's handshake options do not express directly. */
function checkClientCert(t: WebTlsConfig | undefined, s: TLSSocket): boolean {
  if (!t) return true;
  const cert = s.getPeerCertificate();
  const given = !!cert && Object.keys(cert).length > 0;
  switch (t.clientAuthType) {
    case 'RequireAnyClientCert': return given;
    case 'VerifyClientCertIfGiven': return !given || s.authorized;
    default: return true;
  }
}

/** host:port as Go reads it: ":9090" (all interfaces), "[::1]:9090", "localhost:0". */
export function splitListenAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (!m) throw new ListenError(`listen tcp ${addr}: address ${addr}: missing port in address`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port: Number(m[3]) };
}

export async function startWebServer(opts: WebOptions, deps: WebDeps): Promise<WebServer> {
  const logger = deps.logger.with({ component: 'web' });
  const handler = createWebHandler(deps, opts);
  let webConfig: WebConfig = { headers: {}, users: new Map() };
  let webConfigStamp = '';
  if (opts.webConfigFile) {
    webConfig = await loadWebConfigFile(opts.webConfigFile);
    webConfigStamp = await fileStamp(opts.webConfigFile);
  }
  const tlsCfg = webConfig.tls;
  const auth = new BasicAuthChecker();

  let server: Server;
  // exporter-toolkit re-reads the web config for every request, so users and headers can
  // change without a restart; we re-read it when its mtime/size change.
  const current = async (): Promise<WebConfig> => {
    if (!opts.webConfigFile) return webConfig;
    const stamp = await fileStamp(opts.webConfigFile);
    if (stamp !== webConfigStamp) {
      const next = await loadWebConfigFile(opts.webConfigFile);
      if (next.tls && tlsCfg && 'setSecureContext' in server) {
        (server as unknown as { setSecureContext(o: HttpsOptions): void }).setSecureContext(await tlsOptions(next.tls));
      }
      webConfig = next;
      webConfigStamp = stamp;
    }
    return webConfig;
  };

  const guarded: RequestHandler = (req, res) => {
    if (!opts.webConfigFile) return handler(req, res);
    void serveGuarded(req, res).catch(() => {
      if (!res.headersSent) sendGoError(res, 500, 'Internal Server Error');
    });
  };
  const serveGuarded = async (req: IncomingMessage, res: ServerResponse) => {
    let cfg: WebConfig;
    try {
      cfg = await current();
    } catch (e) {
      logger.error('Unable to parse configuration', { err: e instanceof Error ? e.message : String(e) });
      sendGoError(res, 500, 'Internal Server Error');
      return;
    }
    for (const [k, v] of Object.entries(cfg.headers)) res.setHeader(k, v);
    if (cfg.users.size === 0 || (await auth.check(cfg.users, req.headers.authorization))) {
      handler(req, res);
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic');
    sendGoError(res, 401, 'Unauthorized');
  };

  const readTimeout = opts.readTimeoutMs ?? 5 * 60_000;
  // Go's default limit on request headers is 1 MiB; long GET URLs with many match[] fit.
  // node:http enforces request timeouts on a polling interval (30 s by default), too
  // coarse for short --web.read-timeout values.
  const common = { maxHeaderSize: 1 << 20, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(readTimeout / 4) || 30_000)) };
  if (tlsCfg) {
    server = createHttpsServer({ ...common, ...(await tlsOptions(tlsCfg)) }, guarded);
    server.on('secureConnection', (s: TLSSocket) => {
      if (!checkClientCert(webConfig.tls, s)) s.destroy();
    });
  } else {
    server = createHttpServer(common, guarded);
  }

  if (readTimeout > 0) {
    server.requestTimeout = readTimeout;
    server.headersTimeout = Math.min(readTimeout, 60_000);
    // Go's IdleTimeout falls back to ReadTimeout.
    server.keepAliveTimeout = readTimeout;
  }
  const { host, port } = splitListenAddress(opts.listenAddress);
  // The HTTP(S) server never listens itself: a plain TCP server accepts (paused) sockets
  // and hands them over while fewer than --web.max-connections are open, like Go's
  // LimitListener, where extra clients wait instead of failing.
  const gate = new ConnectionGate(server, opts.maxConnections ?? 512);
  const listener = createNetServer({ pauseOnConnect: true }, (sock) => gate.admit(sock));
  await new Promise<void>((res, rej) => {
    // Go's wording: "listen tcp 127.0.0.1:9090: bind: address already in use".
    const onErr = (e: NodeJS.ErrnoException) =>
      rej(new ListenError(`listen tcp ${opts.listenAddress}: ${e.code && BIND_ERRORS[e.code] ? `bind: ${BIND_ERRORS[e.code]}` : e.message}`, e.code));
    listener.once('error', onErr);
    listener.listen(port, host, () => {
      listener.off('error', onErr);
      res();
    });
  });
  // node:http starts connection tracking (closeIdleConnections, and the timer behind
  // requestTimeout/headersTimeout) on its own 'listening' event; it never listens itself here.
  server.emit('listening');
  const a = listener.address();
  const boundPort = typeof a === 'object' && a ? a.port : port;
  const boundHost = typeof a === 'object' && a ? a.address : host ?? '';
  const address = `${boundHost.includes(':') ? `[${boundHost}]` : boundHost}:${boundPort}`;
  logger.debug('Listening on', { address, tls: !!tlsCfg });
  return {
    server,
    address,
    port: boundPort,
    tls: !!tlsCfg,
    close: async () => {
      // net.Server.close waits for its sockets, so stop accepting, then drain them.
      const closed = new Promise<void>((res) => listener.close(() => res()));
      await gate.drain();
      await closed;
    },
  };
}

/** Admits sockets up to a limit; the rest wait, paused, in arrival order. */
class ConnectionGate {
  private open = new Set<Socket>();
  private readonly waiting: Socket[] = [];
  constructor(
    private readonly server: Server,
    private readonly max: number,
  ) {}

  admit(sock: Socket): void {
    if (this.max > 0 && this.open.size >= this.max) {
      this.waiting.push(sock);
      sock.once('close', () => {
        const i = this.waiting.indexOf(sock);
        if (i >= 0) this.waiting.splice(i, 1);
      });
      return;
    }
    this.open.add(sock);
    sock.once('close', () => {
      this.open.delete(sock);
      this.next();
    });
    this.server.emit('connection', sock);
    sock.resume();
  }

  private next(): void {
    while (this.waiting.length > 0 && (this.max <= 0 || this.open.size < this.max)) {
      const s = this.waiting.shift()!;
      if (!s.destroyed) this.admit(s);
    }
  }

  /** Ends idle keep-alive connections and waits (up to 10 s) for in-flight requests. */
  async drain(): Promise<void> {
    for (const s of this.waiting) s.destroy();
    this.waiting.length = 0;
    // Closing the (never listening) server stops its timers and ends idle keep-alives.
    this.server.close(() => {});
    const deadline = Date.now() + 10_000;
    while (this.open.size > 0 && Date.now() < deadline) {
      this.server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const s of this.open) s.destroy();
  }
}

async function fileStamp(p: string): Promise<string> {
  try {
    const s = await stat(p);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
}
