// log: structured logs shaped like Prometheus's (go-kit logfmt by default, or JSON).
// Every area receives a Logger; nothing in src/ writes to the console directly.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';
export type LogFields = Readonly<Record<string, unknown>>;

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these fields (e.g. component="tsdb") to every line. */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; defaults to stderr, as Prometheus logs to stderr. */
  write?: (line: string) => void;
  /** The clock, so tests can fix timestamps. */
  now?: () => Date;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in RANK;
}

export function isLogFormat(s: string): s is LogFormat {
  return s === 'logfmt' || s === 'json';
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const format = opts.format ?? 'logfmt';
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = opts.now ?? (() => new Date());
  const make = (bound: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (RANK[level] < min) return;
      const rec: Record<string, unknown> = { ts: now().toISOString(), level, ...bound, msg, ...fields };
      write(format === 'json' ? JSON.stringify(rec, jsonReplacer) : logfmt(rec));
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      with: (f) => make({ ...bound, ...f }),
    };
  };
  return make({});
}

/** A logger that drops everything, for tests and library use. */
export const nopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  with() {
    return nopLogger;
  },
};

function jsonReplacer(_k: string, v: unknown): unknown {
  if (v instanceof Error) return v.message;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function logfmt(rec: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, raw] of Object.entries(rec)) {
    if (raw === undefined) continue;
    const v = raw instanceof Error ? raw.message : typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    parts.push(k + '=' + (needsQuote(v) ? JSON.stringify(v) : v));
  }
  return parts.join(' ');
}

function needsQuote(s: string): boolean {
  if (s === '') return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x22 || c === 0x3d || c === 0x5c || c === 0x7f) return true;
  }
  return false;
}
