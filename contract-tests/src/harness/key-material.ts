import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { KeyFormat } from '../spec/contract.ts';

/**
 * Builds the keys the auth matrix presents: near-misses of a real key and well-formed keys that
 * belong to no one. The checksum follows the spec's "Key format": CRC-32 (zlib) of prefix and
 * body in base62 (`0-9A-Za-z`), most significant digit first, left-padded to 6 with `0`.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_LENGTH = 6;

export function checksumOf(prefixAndBody: string): string {
  let value = crc32(Buffer.from(prefixAndBody, 'utf8'));
  let out = '';
  while (value > 0) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out.padStart(CHECKSUM_LENGTH, '0');
}

export function withChecksum(prefixAndBody: string): string {
  return prefixAndBody + checksumOf(prefixAndBody);
}

/** Whether a key's last characters are the checksum of what precedes them. */
export function hasValidChecksum(key: string): boolean {
  return key.length > CHECKSUM_LENGTH && withChecksum(key.slice(0, -CHECKSUM_LENGTH)) === key;
}

/** Whether a key passes every offline check: the spec's pattern and the checksum. */
export function isWellFormedKey(key: string, format: KeyFormat): boolean {
  return format.pattern.test(key) && hasValidChecksum(key);
}

function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

function bodyLength(format: KeyFormat): number {
  return format.length - format.environmentPrefixes[0].length - CHECKSUM_LENGTH;
}

/** A key that passes every offline check (pattern, checksum) and that no one was issued. */
export function unknownWellFormedKey(format: KeyFormat, environmentPrefix = format.environmentPrefixes[0]): string {
  return withChecksum(environmentPrefix + randomBase62(bodyLength(format)));
}

/** The scheme part of an environment prefix (`hk_` of `hk_live_`). */
function schemeOf(prefix: string): string {
  return prefix.slice(0, prefix.indexOf('_') + 1);
}

/** An environment prefix as long as the spec's, with the same scheme, that the spec does not list. */
function foreignEnvironmentPrefix(format: KeyFormat, prefix: string): string {
  const scheme = schemeOf(prefix);
  const environment = prefix.slice(scheme.length);
  const foreign = ['prod_', 'demo_', 'stag_', 'dev__'].find((env) => env.length === environment.length && !format.environmentPrefixes.includes(scheme + env));
  return scheme + (foreign ?? `${environment.slice(0, -2)}x_`);
}

export interface KeyVariant {
  label: string;
  value: string;
}

/** Near-misses of a real key, each broken in one way the spec names. */
export function malformedVariants(key: string, format: KeyFormat): KeyVariant[] {
  const prefix = format.environmentPrefixes.find((p) => key.startsWith(p)) ?? format.environmentPrefixes[0];
  const body = key.slice(prefix.length, prefix.length + bodyLength(format));
  const last = key.charAt(key.length - 1);
  const otherLast = BASE62[(BASE62.indexOf(last) + 1) % 62];
  return [
    { label: 'wrong prefix (checksum recomputed)', value: withChecksum(foreignEnvironmentPrefix(format, prefix) + body) },
    { label: 'one character short', value: key.slice(0, -1) },
    { label: 'one character too many', value: `${key}0` },
    { label: 'bad checksum', value: key.slice(0, -1) + otherLast },
    { label: 'stray character in the body', value: `${prefix}${body.slice(0, 10)}-${body.slice(11)}${key.slice(prefix.length + body.length)}` },
  ];
}

/**
 * Keys wrong in exactly one way the spec's "Key format" names, each passing every other offline
 * check — the checksum is recomputed over whatever precedes it — so that a server which skipped
 * that one check would take the key for well-formed and look it up. Built from a key no one was
 * issued, so no secret is involved.
 */
export function singleFaultKeys(format: KeyFormat): KeyVariant[] {
  const prefix = format.environmentPrefixes[0];
  const body = randomBase62(bodyLength(format));
  const key = withChecksum(prefix + body);
  const scheme = schemeOf(prefix);
  const environment = prefix.slice(scheme.length);
  const foreignScheme = `${scheme.charAt(0) === 'x' ? 'y' : 'x'}${scheme.slice(1)}`;
  const foreignPrefix = foreignEnvironmentPrefix(format, prefix);
  const checksum = key.slice(prefix.length + body.length);
  const otherChecksum = checksum.slice(0, -1) + BASE62[(BASE62.indexOf(checksum.slice(-1)) + 1) % 62];
  return [
    { label: `one character too many (the first ${format.length} a well-formed key)`, value: `${key}0` },
    { label: 'one character short', value: key.slice(0, -1) },
    { label: `another scheme prefix (${foreignScheme}…, checksum recomputed)`, value: withChecksum(foreignScheme + environment + body) },
    { label: `another environment prefix (${foreignPrefix}, checksum recomputed)`, value: withChecksum(foreignPrefix + body) },
    { label: 'a character outside the alphabet in the body (checksum recomputed)', value: withChecksum(`${prefix}${body.slice(0, 10)}-${body.slice(11)}`) },
    { label: 'a wrong checksum', value: prefix + body + otherChecksum },
  ];
}
