/**
 * Reads the form of a request: an application/x-www-form-urlencoded body (POST/PUT/PATCH,
 * as Go's ParseForm) up to a size cap, then the URL query. A body over the cap is not
 * read further; the form reports Go's "http: POST too large" and the connection is closed
 * after the answer so the unread rest cannot be taken for a next request.
 */
import type { Ctx } from './http.js';
import { Form } from './params.js';

export async function readForm(ctx: Ctx, maxBytes: number): Promise<Form> {
  const { req } = ctx;
  const m = req.method;
  const ct = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if ((m !== 'POST' && m !== 'PUT' && m !== 'PATCH') || ct !== 'application/x-www-form-urlencoded') {
    return Form.parse(ctx.query);
  }
  const chunks: Buffer[] = [];
  // Not a for-await loop: leaving one early destroys the request, and with it the socket
  // the answer still has to go out on. Pausing keeps the socket for the answer.
  const tooLarge = await new Promise<boolean>((resolve, reject) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        resolve(true);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(false);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
  if (tooLarge) {
    ctx.res.setHeader('Connection', 'close');
    const f = Form.parse(ctx.query);
    return new FormWithError(f, 'http: POST too large');
  }
  return Form.parse(ctx.query, Buffer.concat(chunks).toString('utf8'));
}

/** A form whose body was refused: URL values only, plus the error. */
class FormWithError extends Form {
  constructor(base: Form, error: string) {
    super(new Map(base.entries()), error);
  }
}
