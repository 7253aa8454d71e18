/**
 * Units carried in the type: a plain number is ambiguous, these are not. Timestamps are
 * milliseconds since the Unix epoch (exact in a float64), durations milliseconds.
 */
export type UnixMs = number & { readonly __unit: 'unix-ms' };
export type DurationMs = number & { readonly __unit: 'duration-ms' };

export const asUnixMs = (n: number): UnixMs => n as UnixMs;
export const asDurationMs = (n: number): DurationMs => n as DurationMs;

const UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

export class DurationError extends Error {
  readonly code = 'bad_duration';
  constructor(readonly input: string, reason = 'not a valid duration string') {
    super(`${reason}: "${input}"`);
  }
}

/**
 * Parses a Prometheus duration ("1h30m", "5m", "10s", "1y", "0"), units in decreasing order,
 * each at most once. Throws DurationError with Prometheus's wording.
 */
export function parseDuration(s: string): DurationMs {
  if (s === '') throw new DurationError(s, 'empty duration string');
  if (s === '0') return 0 as DurationMs;
  const m = DURATION_RE.exec(s);
  if (!m) throw new DurationError(s);
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g !== undefined) ms += Number(g) * UNITS[i]![1];
  }
  if (!Number.isSafeInteger(ms)) throw new DurationError(s, 'duration out of range');
  return ms as DurationMs;
}

/**
 * Formats like Prometheus's model.Duration.String(): "1h30m", "5m", "0s". Years and weeks are
 * used only when they divide the duration exactly ("15d", not "2w1d"; "90d", not "12w6d").
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = ms < 0 ? '-' : '';
  if (rest < 0) rest = -rest;
  for (const [u, size] of UNITS) {
    if ((u === 'y' || u === 'w') && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += n + u;
      rest -= n * size;
    }
  }
  return out;
}
