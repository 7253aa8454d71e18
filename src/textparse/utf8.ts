import { isUtf8 } from 'node:buffer';

/** UTF-8 validity of b[start:end); pure ASCII (the common case) never leaves JS. */
export function validUtf8(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return isUtf8(b.subarray(start, end));
  return true;
}
