import { unknownWellFormedKey } from '../../contract-tests/src/harness/key-material.ts';
import { contract } from './contract.ts';

// Keys the benchmark presents: well-formed keys nobody holds, built by the conformance suite's
// key code from the spec's key format (prefix, random base62 body, CRC-32 checksum), and keys
// with a broken checksum. Neither comes from mock/, so that a checksum bug in the server cannot
// hide itself: the server's lookup counter proves which keys it took for well-formed (each
// unknown key costs one lookup) and which it refused first (none).

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A well-formed key in the same environment as `key` that nobody holds: a fresh random body on
 * every call, so two calls never give the same key (62³⁰ bodies) and no run meets a real one.
 */
export function unknownKeyLike(key: string): string {
  const prefix = contract.keyFormat.environmentPrefixes.find((candidate) => key.startsWith(candidate));
  if (prefix === undefined) throw new Error(`${key.slice(0, 8)}… starts with none of the spec's environment prefixes`);
  return unknownWellFormedKey(contract.keyFormat, prefix);
}

/** `key` with its last checksum character changed: right length, alphabet and prefix, wrong checksum. */
export function withBrokenChecksum(key: string): string {
  const last = key[key.length - 1];
  const replacement = BASE62[(BASE62.indexOf(last) + 1) % 62];
  return key.slice(0, -1) + replacement;
}
