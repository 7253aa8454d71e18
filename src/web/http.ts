/**
 * Response plumbing shared by every handler: the API envelope, Go-style plain-text errors,
 * Prometheus's compression rule (first of "gzip"/"deflate" in Accept-Encoding, exact tokens)
 * and streaming with backpressure so a large matrix never sits in memory twice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDeflate, createGzip, gzip, deflate } from 'node:zlib';
import { promisify } from 'node:util';
import { once } from 'node:events';
import type { Form } from './params.js';
import { ApiError } from './errors.js';
import { goJson } from './format.js';

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);

/** One request as handlers see it. */
export interface Ctx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path below the route prefix, still percent-encoded. */
  readonly path: string;
  /** Raw query string (without '?'). */
  readonly query: string;
  /** Route parameters (e.g. the label name), percent-encoded. */
  params: Record<string, string>;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** Form values (body + query); loaded by the router before API handlers run. */
  form: Form;
}

export type Encoding = 'gzip' | 'deflate' | undefined;

/** Prometheus's CompressionHandler: the first exact "gzip" or "deflate" token wins. */
export function pickEncoding(req: IncomingMessage): Encoding {
  const h = req.headers['accept-encoding'];
  if (!h) return undefined;
  for (const tok of String(h).split(',')) {
    const t = tok.trim();
    if (t === 'gzip' || t === 'deflate') return t;
  }
  return undefined;
}

/** Go's http.Error: text/plain, nosniff, the message plus a newline. */
export function sendGoError(res: ServerResponse, status: number, msg: string): void {
  const body = msg + '\n';
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A bare text answer (lifecycle endpoints write without Go's http.Error decoration). */
export function sendText(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), 'Content-Type': contentType });
  res.end(body);
}

/** Small bodies are compressed in one go (on the thread pool) and get a Content-Length. */
const STREAM_THRESHOLD = 64 * 1024;

/**
 * Sends a body made of chunks. Bodies under 64 KiB go out in one write with a length;
 * larger ones are streamed (chunked), waiting for 'drain' so memory stays bounded.
 */
export async function sendBody(ctx: Ctx, status: number, contentType: string, chunks: Iterable<string>, compress: boolean): Promise<void> {
  const { res } = ctx;
  const enc = compress ? pickEncoding(ctx.req) : undefined;
  const it = chunks[Symbol.iterator]();
  // Gather up to the threshold; most answers end here.
  const first: string[] = [];
  let size = 0;
  let done = false;
  for (;;) {
    const n = it.next();
    if (n.done) {
      done = true;
      break;
    }
    first.push(n.value);
    size += n.value.length;
    if (size >= STREAM_THRESHOLD) break;
  }
  if (done) {
    let body: Buffer = Buffer.from(first.join(''), 'utf8');
    const headers: Record<string, string | number> = { 'Content-Type': contentType };
    if (enc) {
      body = enc === 'gzip' ? await gzipAsync(body) : await deflateAsync(body);
      headers['Content-Encoding'] = enc;
    }
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(body);
    return;
  }
  const headers: Record<string, string> = { 'Content-Type': contentType };
  if (enc) headers['Content-Encoding'] = enc;
  res.writeHead(status, headers);
  const sink = enc ? (enc === 'gzip' ? createGzip() : createDeflate()) : undefined;
  if (sink) sink.pipe(res);
  const out = sink ?? res;
  const write = async (s: string) => {
    if (!out.write(s)) {
      if (ctx.signal.aborted) throw new Error('client went away');
      await Promise.race([once(out, 'drain'), once(ctx.signal, 'abort')]);
      if (ctx.signal.aborted) throw new Error('client went away');
    }
  };
  try {
    await write(first.join(''));
    let batch = '';
    for (let n = it.next(); !n.done; n = it.next()) {
      batch += n.value;
      if (batch.length >= STREAM_THRESHOLD) {
        await write(batch);
        batch = '';
      }
    }
    if (batch) await write(batch);
    out.end();
  } catch {
    res.destroy();
  }
}

/** The success envelope: {"status":"success","data":...,"warnings":[...]}. */
export function* successChunks(dataChunks: Iterable<string>, warnings: readonly string[] | undefined): Iterable<string> {
  yield '{"status":"success","data":';
  yield* dataChunks;
  if (warnings && warnings.length > 0) yield ',"warnings":' + goJson(warnings);
  yield '}';
}

export function respondData(ctx: Ctx, data: unknown, warnings?: readonly string[]): Promise<void> {
  return sendBody(ctx, 200, 'application/json', successChunks([goJson(data)], warnings), true);
}

export function respondChunks(ctx: Ctx, dataChunks: Iterable<string>, warnings?: readonly string[]): Promise<void> {
  return sendBody(ctx, 200, 'application/json', successChunks(dataChunks, warnings), true);
}

/** The error envelope; `data` rides along only where Prometheus sends it. */
export function respondError(ctx: Ctx, err: ApiError, warnings?: readonly string[]): Promise<void> {
  let body = '{"status":"error","errorType":' + goJson(err.code) + ',"error":' + goJson(err.message);
  if (warnings && warnings.length > 0) body += ',"warnings":' + goJson(warnings);
  body += '}';
  return sendBody(ctx, err.status, 'application/json', [body], true);
}

/** 204 for API functions that return no data (OPTIONS, delete_series, clean_tombstones). */
export function respondNoContent(ctx: Ctx): void {
  ctx.res.writeHead(204);
  ctx.res.end();
}
