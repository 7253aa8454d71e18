/**
 * Go's net/url.Parse, as far as Prometheus's config validation can observe it: which inputs
 * fail, and the error text (`parse "RAW": invalid character " " in host name`). The WHATWG
 * URL class accepts and rewrites far more, so it cannot be used to decide validity.
 */
import { goQuote } from './errors.js';

export interface GoURL {
  scheme: string;
  opaque: string;
  user: string;
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

export type GoURLResult = { ok: true; url: GoURL } | { ok: false; error: string };

export function parseGoURL(raw: string): GoURLResult {
  const wrap = (msg: string): GoURLResult => ({ ok: false, error: `parse ${goQuote(raw)}: ${msg}` });
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return wrap('net/url: invalid control character in URL');
  const url: GoURL = { scheme: '', opaque: '', user: '', host: '', path: '', rawQuery: '', fragment };
  if (rest === '*') {
    url.path = '*';
    return { ok: true, url };
  }
  // Scheme: letters first, then letters, digits, + - .; a leading ':' is an error.
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return wrap('missing protocol scheme');
      url.scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return { ok: true, url };
    }
    const seg = rest.split('/')[0]!;
    if (seg.includes(':')) return wrap('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    } else {
      rest = '';
    }
    const at = authority.lastIndexOf('@');
    let host = authority;
    if (at >= 0) {
      url.user = authority.slice(0, at);
      host = authority.slice(at + 1);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(url.user)) return wrap('net/url: invalid userinfo');
    }
    const h = parseHost(host);
    if (typeof h !== 'string') return wrap(h.error);
    url.host = h;
  }
  const p = unescape(rest);
  if (typeof p !== 'string') return wrap(p.error);
  url.path = p;
  return { ok: true, url };
}

function parseHost(host: string): string | { error: string } {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return { error: "missing ']' in host" };
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
    return host;
  }
  const i = host.lastIndexOf(':');
  if (i >= 0) {
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
  }
  for (const ch of host) {
    if (ch === '%') continue;
    if (/[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(ch) || ch.codePointAt(0)! >= 0x80) continue;
    return { error: `invalid character ${goQuote(ch)} in host name` };
  }
  const u = unescape(host);
  return u;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  return /^[0-9]*$/.test(port.slice(1));
}

function unescape(s: string): string | { error: string } {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        return { error: `invalid URL escape ${goQuote(s.slice(i, i + 3))}` };
      }
    }
  }
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
