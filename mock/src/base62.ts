import { randomFillSync } from 'node:crypto';

/** The base62 alphabet of keys and ids, in the order the checksum encoding uses. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Digit value of each ASCII code, or 255 for characters outside the alphabet. */
const DIGIT_VALUES = new Uint8Array(128).fill(255);
for (let i = 0; i < BASE62_ALPHABET.length; i++) DIGIT_VALUES[BASE62_ALPHABET.charCodeAt(i)] = i;

/** The value of base62 digits `text[start..end)`, most significant first; NaN if any is not a digit. */
export function decodeBase62(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? DIGIT_VALUES[code] : 255;
    if (digit === 255) return NaN;
    value = value * 62 + digit;
  }
  return value;
}

export function isBase62(text: string, start = 0, end = text.length): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || DIGIT_VALUES[code] === 255) return false;
  }
  return true;
}

/** `value` (an unsigned 32-bit integer) in base62, most significant digit first, left-padded with `0`. */
export function encodeBase62Fixed(value: number, width: number): string {
  let out = '';
  let rest = value >>> 0;
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

// Random characters are drawn from a pooled buffer: one randomFill per few hundred characters
// instead of one per id keeps id generation off the profile.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/**
 * `length` uniformly random base62 characters from the CSPRNG. Bytes ≥ 248 are rejected
 * (248 = 4 × 62), so every character is equally likely.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    if (poolOffset >= pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const byte = pool[poolOffset++];
    if (byte < 248) out += BASE62_ALPHABET[byte % 62];
  }
  return out;
}
