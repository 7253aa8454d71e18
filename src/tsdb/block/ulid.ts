import { randomFillSync } from 'node:crypto';

// Crockford's base32, as ULIDs use it (no I, L, O, U).
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
const lastRand = new Uint8Array(10);

/**
 * A ULID: 48-bit millisecond timestamp then 80 random bits, 26 base32 characters. Within one
 * millisecond the random part is incremented (monotonic), so ULIDs made in a burst still sort
 * in creation order, which Prometheus relies on when it orders blocks by ULID.
 */
export function newULID(now: number = Date.now()): string {
  if (now === lastTime) {
    // Increment the 80-bit random part; overflow is astronomically unlikely, wrap if it happens.
    for (let i = 9; i >= 0; i--) {
      lastRand[i] = (lastRand[i]! + 1) & 0xff;
      if (lastRand[i] !== 0) break;
    }
  } else {
    lastTime = now;
    randomFillSync(lastRand);
  }
  let out = '';
  let t = now;
  const timeChars: string[] = new Array(10);
  for (let i = 9; i >= 0; i--) {
    timeChars[i] = ALPHABET[t % 32]!;
    t = Math.floor(t / 32);
  }
  out = timeChars.join('');
  // 80 bits -> 16 chars of 5 bits, most significant first.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    acc = (acc << 8) | lastRand[i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** The millisecond timestamp encoded in a ULID. */
export function ulidTime(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ALPHABET.indexOf(id[i]!.toUpperCase());
  return t;
}
