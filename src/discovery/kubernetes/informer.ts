// List-then-watch of one resource collection, keeping a local copy (what client-go's informer
// does for Prometheus): list (paged), then watch from the list's resourceVersion; when the
// server ends a watch, watch again from the last version seen; on 410 Gone (the version is too
// old) list again. Errors are logged and retried with exponential backoff, never thrown out.
import type { Logger } from '../../log/index.js';
import { sleep, undici } from '../../model/index.js';
import type { Connection } from './connection.js';
import { KubernetesSDError } from './errors.js';
import { objectKey, type K8sObject } from './objects.js';

export interface Selector {
  readonly label?: string;
  readonly field?: string;
}

/** Called after the store changed; obj undefined = deleted. */
export type ChangeHandler<T> = (key: string, obj: T | undefined) => void;

const PAGE = 500;
const BACKOFF_MIN_MS = 800;
const BACKOFF_MAX_MS = 30_000;
/** client-go asks for a server-side watch end after 5–10 min so that idle connections recycle. */
const watchTimeoutSeconds = (): number => 300 + Math.floor(Math.random() * 300);

/** The server asked us to start over (410 Gone): not an error, a re-list. */
class Gone extends Error {}

export class Informer<T extends K8sObject> {
  readonly store = new Map<string, T>();
  private synced = false;
  private readonly handlers: ChangeHandler<T>[] = [];
  private readonly syncWaiters: (() => void)[] = [];

  constructor(
    private readonly conn: Connection,
    /** e.g. /api/v1/namespaces/default/pods */
    private readonly path: string,
    private readonly selector: Selector,
    private readonly logger: Logger,
  ) {}

  get hasSynced(): boolean {
    return this.synced;
  }

  onChange(h: ChangeHandler<T>): void {
    this.handlers.push(h);
  }

  /** Resolves after the first successful list (or never, if the signal aborts first). */
  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }

  /** Runs until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!signal.aborted) {
      try {
        let rv = await this.list(signal);
        backoff = BACKOFF_MIN_MS;
        for (;;) {
          const started = Date.now();
          const next = await this.watch(rv, signal);
          // A server that closes watches at once must not make us spin.
          if (next === rv && Date.now() - started < 1000) await sleep(1000, signal);
          if (signal.aborted) return;
          rv = next;
        }
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof Gone) {
          this.logger.debug('Watch expired (410 Gone), listing again', { url: this.url() });
          continue;
        }
        this.logger.error('Failed to list or watch Kubernetes objects; retrying', { url: this.url(), err: (e as Error).message, retry_in: `${backoff}ms` });
        await sleep(backoff + Math.floor(Math.random() * backoff * 0.2), signal);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  private url(params: Record<string, string> = {}): string {
    const q = new URLSearchParams();
    if (this.selector.label) q.set('labelSelector', this.selector.label);
    if (this.selector.field) q.set('fieldSelector', this.selector.field);
    for (const [k, v] of Object.entries(params)) q.set(k, v);
    const qs = q.toString();
    return `${this.conn.baseUrl}${this.path}${qs ? '?' + qs : ''}`;
  }

  /** Lists every page, replaces the store, reports the differences; returns the resourceVersion. */
  private async list(signal: AbortSignal): Promise<string> {
    const items = new Map<string, T>();
    let cont = '';
    let rv = '';
    do {
      const url = this.url({ limit: String(PAGE), ...(cont ? { continue: cont } : {}) });
      const res = await undici().request(url, { method: 'GET', headers: this.conn.headers(), dispatcher: this.conn.dispatcher, signal });
      const text = await res.body.text();
      if (res.statusCode === 410) throw new Gone();
      if (res.statusCode !== 200) throw statusError(url, res.statusCode, text);
      let list: { metadata?: { resourceVersion?: string; continue?: string }; items?: T[] };
      try {
        list = JSON.parse(text) as typeof list;
      } catch (e) {
        throw new KubernetesSDError(`GET ${url}: invalid JSON in list response: ${(e as Error).message}`);
      }
      if (!Array.isArray(list.items)) throw new KubernetesSDError(`GET ${url}: list response has no items array`, 'Is api_server the Kubernetes API server (and not a proxy page)?');
      for (const it of list.items) if (it && typeof it === 'object') items.set(objectKey(it), it);
      rv = list.metadata?.resourceVersion ?? '';
      cont = list.metadata?.continue ?? '';
    } while (cont && !signal.aborted);

    const before = new Map(this.store);
    this.store.clear();
    for (const [k, v] of items) this.store.set(k, v);
    if (this.synced) {
      // A re-list: tell handlers what changed while we were not watching.
      for (const [k, old] of before) if (!items.has(k)) this.emit(k, undefined);
      for (const [k, v] of items) {
        const old = before.get(k);
        if (!old || old.metadata?.resourceVersion !== v.metadata?.resourceVersion || !v.metadata?.resourceVersion) this.emit(k, v);
      }
    } else {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    return rv;
  }

  /** One watch request; returns the last resourceVersion seen when the server ends it. */
  private async watch(rv: string, signal: AbortSignal): Promise<string> {
    const url = this.url({ watch: 'true', resourceVersion: rv, allowWatchBookmarks: 'true', timeoutSeconds: String(watchTimeoutSeconds()) });
    const res = await undici().request(url, { method: 'GET', headers: this.conn.headers(), dispatcher: this.conn.dispatcher, signal });
    if (res.statusCode === 410) {
      await res.body.dump();
      throw new Gone();
    }
    if (res.statusCode !== 200) throw statusError(url, res.statusCode, await res.body.text());
    let buf = '';
    let last = rv;
    res.body.setEncoding('utf8');
    for await (const chunk of res.body as AsyncIterable<string>) {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) last = this.handleEvent(line, last, url);
      }
    }
    if (buf.trim()) last = this.handleEvent(buf.trim(), last, url);
    return last;
  }

  private handleEvent(line: string, rv: string, url: string): string {
    let ev: { type?: string; object?: T & { code?: number; message?: string } };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch (e) {
      throw new KubernetesSDError(`watch ${url}: invalid JSON event: ${(e as Error).message}`);
    }
    const obj = ev.object;
    if (ev.type === 'ERROR') {
      if (obj?.code === 410) throw new Gone();
      throw new KubernetesSDError(`watch ${url}: server sent an error: ${obj?.message ?? line}`);
    }
    if (!obj || typeof obj !== 'object') return rv;
    const next = obj.metadata?.resourceVersion ?? rv;
    if (ev.type === 'BOOKMARK') return next;
    const key = objectKey(obj);
    if (ev.type === 'DELETED') {
      this.store.delete(key);
      this.emit(key, undefined);
    } else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
      this.store.set(key, obj);
      this.emit(key, obj);
    }
    return next;
  }

  private emit(key: string, obj: T | undefined): void {
    for (const h of this.handlers) {
      try {
        h(key, obj);
      } catch (e) {
        // A builder tripping over an odd object must not stop the watch.
        this.logger.error('Failed to process Kubernetes object', { key, err: (e as Error).message });
      }
    }
  }
}

function statusError(url: string, status: number, body: string): KubernetesSDError {
  let detail = body.slice(0, 300);
  try {
    detail = (JSON.parse(body) as { message?: string }).message ?? detail;
  } catch {
    /* not a Status object; keep the raw text */
  }
  const hint =
    status === 401 ? 'The API server rejected the credentials: check the bearer token, client certificate or kubeconfig user.'
    : status === 403 ? 'The credentials lack RBAC permission: grant list and watch on this resource to the service account.'
    : status === 404 ? 'The API server does not serve this resource; check api_server and the Kubernetes version (discovery.k8s.io/v1 needs 1.21+, networking.k8s.io/v1 1.19+).'
    : undefined;
  return new KubernetesSDError(`GET ${url}: server returned HTTP status ${status}${detail ? ': ' + detail : ''}`, hint);
}
