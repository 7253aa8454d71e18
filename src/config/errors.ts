import { PromtsError, formatPosition, goQuote as goQuoteString, type FilePosition } from '../model/index.js';

/** Stable codes callers (and tests) switch on; the text is Prometheus's. */
export type ConfigErrorCode =
  | 'config_read' // the file is missing or unreadable
  | 'config_yaml' // not YAML at all
  | 'config_unmarshal' // yaml.v2-style "unmarshal errors": unknown keys, wrong types, duplicate keys
  | 'config_invalid' // a validation rule of Prometheus 2.42 failed
  | 'config_agent' // a section agent mode does not allow
  | 'config_file_check'; // promtool's extra checks: referenced files, SD files, targets

/**
 * Every error the config loader raises. `message` is what promtool prints after `FAILED: `
 * (so users can grep for Prometheus's wording); `reason` is the same without the
 * "parsing YAML file X: " prefix; `position` points at the offending YAML node.
 */
export class ConfigError extends PromtsError {
  constructor(
    code: ConfigErrorCode,
    message: string,
    hint?: string,
    readonly position?: FilePosition,
    readonly reason: string = message,
  ) {
    super(code, message, hint);
  }

  /** The same error with Prometheus's LoadFile prefix ("parsing YAML file X: "). */
  withFilePrefix(file: string): ConfigError {
    return new ConfigError(this.code as ConfigErrorCode, `parsing YAML file ${file}: ${this.reason}`, this.hint, this.position, this.reason);
  }

  /** "file:line:col" or undefined. */
  where(): string | undefined {
    return this.position ? formatPosition(this.position) : undefined;
  }
}

/** Go's strconv.Quote of a string, or of raw bytes (invalid UTF-8 bytes become \\xNN). */
export function goQuote(s: string, bytes?: Uint8Array): string {
  return bytes ? goQuoteBytes(bytes) : goQuoteString(s);
}

function goQuoteBytes(b: Uint8Array): string {
  // Valid UTF-8 sequences are kept as text, every invalid byte becomes \xNN like Go.
  const dec = new TextDecoder('utf-8', { fatal: true });
  let out = '"';
  let i = 0;
  while (i < b.length) {
    const len = utf8SeqLen(b, i);
    if (len === 0) {
      out += '\\x' + b[i]!.toString(16).padStart(2, '0');
      i++;
      continue;
    }
    const ch = dec.decode(b.subarray(i, i + len));
    out += goQuote(ch).slice(1, -1);
    i += len;
  }
  return out + '"';
}

function utf8SeqLen(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c >= 0xf0 && c <= 0xf4) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** True when the bytes are valid UTF-8 (Prometheus's label-value rule). */
export function isValidUtf8(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length) {
    const n = utf8SeqLen(b, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
}
