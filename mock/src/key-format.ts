import { crc32 } from 'node:zlib';
import { decodeBase62, encodeBase62Fixed, isBase62, randomBase62 } from './base62.ts';

// The secret key format of the spec's "Key format" section (and the brief): prefix, 30 random
// base62 characters, 6 base62 characters of the CRC-32 of prefix + body. Pure functions: no
// store, no clock, so the format can be checked before anything is looked up.

export type KeyMode = 'live' | 'test';

export const KEY_PREFIXES: Record<KeyMode, string> = { live: 'hk_live_', test: 'hk_test_' };
export const PREFIX_LENGTH = 8;
export const BODY_LENGTH = 30;
export const CHECKSUM_LENGTH = 6;
export const KEY_LENGTH = PREFIX_LENGTH + BODY_LENGTH + CHECKSUM_LENGTH;
/** Listings show this many leading characters of a key. */
export const DISPLAY_PREFIX_LENGTH = 16;

/** The 6-character checksum of the first 38 characters of a key. */
export function checksumOf(prefixAndBody: string): string {
  return encodeBase62Fixed(crc32(prefixAndBody), CHECKSUM_LENGTH);
}

export function generateKey(mode: KeyMode): string {
  const prefixAndBody = KEY_PREFIXES[mode] + randomBase62(BODY_LENGTH);
  return prefixAndBody + checksumOf(prefixAndBody);
}

/** Why a string is not a well-formed key; `null` when it is one. */
export type KeyFormatFault = 'length' | 'prefix' | 'alphabet' | 'checksum';

export function keyFormatFault(candidate: string): KeyFormatFault | null {
  if (candidate.length !== KEY_LENGTH) return 'length';
  if (!candidate.startsWith('hk_')) return 'prefix';
  const mode = candidate.slice(3, 8);
  if (mode !== 'live_' && mode !== 'test_') return 'prefix';
  if (!isBase62(candidate, PREFIX_LENGTH)) return 'alphabet';
  const cut = PREFIX_LENGTH + BODY_LENGTH;
  // Comparing numbers, not strings: every request checks a checksum, and this allocates nothing
  // but the CRC's input. A 32-bit value has exactly one 6-digit encoding, so it is the same test.
  if (decodeBase62(candidate, cut, KEY_LENGTH) !== crc32(candidate.slice(0, cut))) return 'checksum';
  return null;
}

export function isWellFormedKey(candidate: string): boolean {
  return keyFormatFault(candidate) === null;
}

export function keyMode(key: string): KeyMode {
  return key.startsWith(KEY_PREFIXES.live) ? 'live' : 'test';
}

/**
 * What listings and logs may show of a key. A copy of its characters: V8 keeps a slice this long
 * as a view of the whole string, so a stored slice would keep the secret in memory for as long as
 * the key lives.
 */
export function displayPrefix(key: string): string {
  return Buffer.from(key.slice(0, DISPLAY_PREFIX_LENGTH), 'latin1').toString('latin1');
}
