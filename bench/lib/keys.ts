import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

// Keys the benchmark presents: well-formed keys nobody holds (prefix, 30 base62 characters,
// 6 base62 characters of the CRC-32 of the first 38, as the spec's "Key format" section says) and
// keys with a broken checksum. Written here rather than imported from mock/ so that a checksum
// bug in the server cannot hide itself: the server's lookup counter proves which keys it took
// for well-formed (each unknown key costs one lookup) and which it refused first (none).

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 30;
const COUNTER_DIGITS = 8;

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

function withChecksum(prefixAndBody: string): string {
  return prefixAndBody + base62(crc32(prefixAndBody), 6);
}

/**
 * Distinct well-formed keys: a random stem (so two runs never collide with a real key) and a
 * counter, which makes every key of one generator different from the others.
 */
export function unknownKeyGenerator(prefix = 'hk_test_'): () => string {
  const stem = [...randomBytes(BODY_LENGTH - COUNTER_DIGITS)].map((b) => BASE62[b % 62]).join('');
  let counter = 0;
  return () => withChecksum(prefix + stem + base62(counter++, COUNTER_DIGITS));
}

/** `key` with its last checksum character changed: right length, alphabet and prefix, wrong checksum. */
export function withBrokenChecksum(key: string): string {
  const last = key[key.length - 1];
  const replacement = BASE62[(BASE62.indexOf(last) + 1) % 62];
  return key.slice(0, -1) + replacement;
}
