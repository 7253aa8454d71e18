// Calendar fields of time.Unix(int64(v), 0).UTC() exactly as Go computes them, including
// Go's amd64 conversion of NaN/Inf/out-of-range floats to MinInt64 and its wrap-around
// "absolute time" arithmetic (Prometheus returns e.g. hour(vector(+Inf)) = 15).

const U64 = 1n << 64n;
const MIN_I64 = -(1n << 63n);
const UNIX_TO_INTERNAL = 62135596800n;
const ABSOLUTE_TO_INTERNAL = -9223371966579724800n;
const ABSOLUTE_ZERO_YEAR = -292277022399n;
const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

export interface GoDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 1-366 */
  yearDay: number;
  hour: number;
  minute: number;
  /** 0 = Sunday */
  weekday: number;
}

function toInt64(v: number): bigint {
  if (!Number.isFinite(v) || v >= 9223372036854775808 || v < -9223372036854775808) return MIN_I64;
  return BigInt(Math.trunc(v));
}

const wrapI64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const isLeap = (y: bigint): boolean => y % 4n === 0n && (y % 100n !== 0n || y % 400n === 0n);

export function goDate(v: number): GoDate {
  const sec = toInt64(v);
  const abs = BigInt.asUintN(64, wrapI64(wrapI64(sec + UNIX_TO_INTERNAL) - ABSOLUTE_TO_INTERNAL));
  const hour = Number((abs % 86400n) / 3600n);
  const minute = Number((abs % 3600n) / 60n);
  const weekday = Number(((abs + 86400n) % 604800n) / 86400n);
  let d = abs / 86400n;
  let n = d / 146097n;
  let y = 400n * n;
  d -= 146097n * n;
  n = d / 36524n;
  n -= n >> 2n;
  y += 100n * n;
  d -= 36524n * n;
  n = d / 1461n;
  y += 4n * n;
  d -= 1461n * n;
  n = d / 365n;
  n -= n >> 2n;
  y += n;
  d -= 365n * n;
  const year = BigInt.asIntN(64, y + ABSOLUTE_ZERO_YEAR);
  const yday = Number(d);
  let day = yday;
  let month: number;
  if (isLeap(year)) {
    if (day > 31 + 29 - 1) day--;
    else if (day === 31 + 29 - 1) return { year: Number(year), month: 2, day: 29, yearDay: yday + 1, hour, minute, weekday };
  }
  month = Math.floor(day / 31);
  const end = DAYS_BEFORE[month + 1]!;
  let begin: number;
  if (day >= end) {
    month++;
    begin = end;
  } else begin = DAYS_BEFORE[month]!;
  month++;
  day = day - begin + 1;
  void U64;
  return { year: Number(year), month, day, yearDay: yday + 1, hour, minute, weekday };
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(BigInt(year)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
