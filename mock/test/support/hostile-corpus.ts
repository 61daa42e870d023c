import { BASE62_ALPHABET } from '../../src/base62.ts';
import { checksumOf } from '../../src/key-format.ts';
import { loadContract, type Operation } from '../../src/spec.ts';
import type { CredentialForm } from './http.ts';
import { rawRequest, type PoolItem } from './raw-http.ts';

// A fixed corpus of hostile requests (issue 7): the same bytes on every run, built from a seeded
// generator and from the spec's own operations, one family per kind of attack the issue lists.
// Each request says what it is, whether it may ever succeed (a request that presents no usable
// key must never be served), and which key-like string it presented (no answer may echo it).

export const CATEGORIES = [
  'oversized-headers',
  'duplicated-headers',
  'control-and-non-ascii-keys',
  'empty-credentials',
  'scheme-without-key',
  'wrong-length-keys',
  'truncated-and-padded-keys',
  'invalid-and-nested-json',
  'oversized-bodies',
  'wrong-content-types',
  'unknown-methods',
  'encoded-and-traversing-paths',
  'query-strings',
] as const;

export type Category = (typeof CATEGORIES)[number];

export interface HostileRequest extends PoolItem {
  category: Category;
  /** What the request is, for failure messages (never the bytes of a real key). */
  label: string;
  method: string;
  /** The request target as sent (latin1). */
  target: string;
  /** It presents no usable credential (or reaches no operation): a success would be a breach. */
  mustRefuse: boolean;
  /** A key-like string the request presented, which no answer may contain. */
  presented?: string;
}

export interface CorpusKeys {
  /** A full-access key of the server under test. */
  full: string;
  /** A read-only key of the same environment. */
  readOnly: string;
}

/** Deterministic pseudo-random numbers (mulberry32): the corpus is the same on every run. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    base62: (length: number) => Array.from({ length }, () => BASE62_ALPHABET[Math.floor(next() * 62)]).join(''),
  };
}

type Header = [string, string | Buffer];
const FORMS: CredentialForm[] = ['apikey', 'bearer', 'x-api-key'];

function credential(form: CredentialForm, key: string | Buffer): Header {
  if (form === 'x-api-key') return ['X-API-Key', key];
  const scheme = form === 'apikey' ? 'ApiKey ' : 'Bearer ';
  return ['Authorization', typeof key === 'string' ? scheme + key : Buffer.concat([Buffer.from(scheme), key])];
}

/** A well-formed key (right prefix, alphabet and checksum) that nobody holds. */
function wellFormed(random: ReturnType<typeof seeded>, mode: 'test' | 'live' = 'test'): string {
  const head = `hk_${mode}_${random.base62(30)}`;
  return head + checksumOf(head);
}

export function buildCorpus(keys: CorpusKeys): HostileRequest[] {
  const contract = loadContract();
  const random = seeded(0x4e7a1d);
  const out: HostileRequest[] = [];
  const operations = contract.operations;
  const withBody = operations.filter((op) => op.requestBody !== null);
  const ping = operations.find((op) => op.operationId === 'ping')!;

  /** The operation's path with each path parameter a well-formed id nobody has. */
  const pathOf = (op: Operation) =>
    op.servedPath.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const parameter = op.parameters.find((p) => p.name === name)!;
      const pattern: string = contract.resolve(parameter.schema).pattern ?? '';
      const prefix = /^\^([a-z]+_)/.exec(pattern)?.[1] ?? '';
      return prefix + 'Z'.repeat(24);
    });
  /** A body the operation would accept (its first documented example, else `{}`). */
  const exampleBody = (op: Operation) => {
    const media = contract.resolve(contract.resolve(contract.document.paths[op.pathTemplate])[op.method.toLowerCase()].requestBody)?.content?.['application/json'];
    const example = media?.example ?? Object.values<{ value?: unknown }>(media?.examples ?? {}).map((e) => contract.resolve(e).value)[0];
    return JSON.stringify(example ?? {});
  };

  const add = (
    category: Category,
    label: string,
    method: string,
    target: string,
    headers: Header[],
    options: { body?: string | Buffer; mustRefuse: boolean | 'if-oversized'; presented?: string; alone?: boolean; contentLength?: boolean; host?: boolean },
  ) => {
    const bytes = rawRequest(method, target, headers, options.body, { contentLength: options.contentLength, host: options.host });
    // Node refuses a header section over 16 KiB (its default maxHeaderSize) with 400 and closes
    // the connection; well under it a request with a valid key may succeed; near it, either.
    const headerBytes = bytes.indexOf('\r\n\r\n');
    const oversized = options.mustRefuse === 'if-oversized';
    out.push({
      category,
      label,
      method,
      target,
      bytes,
      head: method === 'HEAD',
      alone: options.alone ?? (oversized ? headerBytes > 15_000 : undefined),
      mustRefuse: oversized ? headerBytes > 16_500 : (options.mustRefuse as boolean),
      presented: options.presented,
    });
  };
  /** A request for `op` with `credentials`; the body (if any) is a valid one. */
  const call = (category: Category, label: string, op: Operation, credentials: Header[], options: { mustRefuse: boolean | 'if-oversized'; presented?: string; alone?: boolean; path?: string }) => {
    const headers: Header[] = [...credentials];
    let body: string | undefined;
    if (op.requestBody) {
      headers.push(['Content-Type', 'application/json']);
      body = exampleBody(op);
    }
    add(category, `${op.operationId}: ${label}`, op.method, options.path ?? pathOf(op), headers, { ...options, body });
  };
  // Operations that never change state with a valid key: a hostile request carrying the real
  // key cannot revoke or regenerate the keys the rest of the corpus relies on.
  const readOnlyOps = operations.filter((op) => op.method === 'GET');

  // --- Oversized headers ---------------------------------------------------------------------
  for (const size of [1024, 8 * 1024, 15 * 1024, 16 * 1024, 17 * 1024, 32 * 1024, 80 * 1024]) {
    for (const op of operations) {
      const alone = size >= 15 * 1024;
      call('oversized-headers', `X-Pad of ${size} bytes`, op, [credential('bearer', keys.full), ['X-Pad', 'a'.repeat(size)]], { mustRefuse: 'if-oversized' });
      const huge = `hk_test_${'A'.repeat(size)}`;
      for (const form of FORMS) {
        call('oversized-headers', `a ${size}-byte key in ${form}`, op, [credential(form, huge)], { mustRefuse: true, presented: huge, alone });
      }
      call('oversized-headers', `a ${size}-byte Cookie`, op, [['Cookie', `s=${'c'.repeat(size)}`]], { mustRefuse: true, alone });
    }
  }
  for (const count of [50, 100, 500, 1000, 1999, 2000, 2500, 5000]) {
    for (const op of [ping, ...withBody]) {
      const many: Header[] = Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']);
      // Many small headers: Node keeps the first 2,000 (maxHeadersCount) and its size limit may
      // or may not be reached; with a valid key in front, either answer is legitimate.
      call('oversized-headers', `${count} extra headers`, op, [credential('apikey', keys.full), ...many], { mustRefuse: false, alone: count * 12 > 15_000 });
      call('oversized-headers', `${count} extra headers, no key`, op, many, { mustRefuse: true, alone: count * 12 > 15_000 });
    }
  }

  // --- Duplicated headers ----------------------------------------------------------------------
  const unknown = wellFormed(random);
  const duplicates: Array<[string, Header[], boolean]> = [
    ['Authorization twice (same key)', [credential('bearer', keys.full), credential('bearer', keys.full)], false],
    ['Authorization twice (two forms)', [credential('apikey', keys.full), credential('bearer', keys.full)], false],
    ['Authorization twice (valid, invalid)', [credential('bearer', keys.full), credential('bearer', 'nope')], false],
    ['Authorization twice (invalid, valid)', [credential('bearer', unknown), credential('bearer', keys.full)], false],
    ['X-API-Key twice (same key)', [credential('x-api-key', keys.full), credential('x-api-key', keys.full)], false],
    ['X-API-Key twice (read-only, full)', [credential('x-api-key', keys.readOnly), credential('x-api-key', keys.full)], false],
    ['Authorization and X-API-Key', [credential('apikey', keys.full), credential('x-api-key', keys.full)], false],
    ['X-API-Key and Authorization', [credential('x-api-key', keys.full), credential('bearer', keys.full)], false],
    ['authorization in two cases', [['authorization', `Bearer ${keys.full}`], ['AUTHORIZATION', `Bearer ${keys.full}`]], false],
    ['x-api-key in two cases', [['x-api-key', keys.full], ['X-Api-Key', keys.full]], false],
    ['three credentials', [credential('apikey', keys.full), credential('bearer', keys.full), credential('x-api-key', keys.full)], false],
    ['X-API-Key twice, one empty', [['X-API-Key', keys.full], ['X-API-Key', '']], false],
    ['Authorization twice, one empty', [['Authorization', ''], credential('bearer', keys.full)], false],
  ];
  for (const op of operations) {
    for (const [label, headers] of duplicates) call('duplicated-headers', label, op, headers, { mustRefuse: true, presented: keys.full });
    for (const form of FORMS) {
      const valid = credential(form, keys.full);
      call('duplicated-headers', `Host twice (${form})`, op, [['Host', 'evil.example'], valid], { mustRefuse: false });
      call('duplicated-headers', `Idempotency-Key twice (${form})`, op, [valid, ['Idempotency-Key', 'a'], ['Idempotency-Key', 'b']], { mustRefuse: false });
      call('duplicated-headers', `X-Request-Id twice (${form})`, op, [valid, ['X-Request-Id', 'req_1'], ['X-Request-Id', 'req_2']], { mustRefuse: false });
      call('duplicated-headers', `Accept twice (${form})`, op, [valid, ['Accept', 'text/html'], ['Accept', 'application/xml']], { mustRefuse: false });
    }
  }
  for (const op of withBody) {
    const valid = credential('apikey', keys.full);
    const body = exampleBody(op);
    const framed: Array<[string, Header[], string | Buffer]> = [
      ['Content-Type twice (json, text)', [valid, ['Content-Type', 'application/json'], ['Content-Type', 'text/plain']], body],
      ['Content-Type twice (text, json)', [valid, ['Content-Type', 'text/plain'], ['Content-Type', 'application/json']], body],
      ['Content-Type twice (json, json)', [valid, ['Content-Type', 'application/json'], ['Content-Type', 'application/json']], body],
    ];
    for (const [label, headers, payload] of framed) add('duplicated-headers', `${op.operationId}: ${label}`, op.method, pathOf(op), headers, { body: payload, mustRefuse: false });
    const length = String(Buffer.byteLength(body));
    const smuggling: Array<[string, Header[]]> = [
      ['Content-Length twice (equal)', [['Content-Length', length], ['Content-Length', length]]],
      ['Content-Length twice (different)', [['Content-Length', length], ['Content-Length', '1']]],
      ['Content-Length list', [['Content-Length', `${length}, ${length}`]]],
      ['Transfer-Encoding and Content-Length', [['Transfer-Encoding', 'chunked'], ['Content-Length', length]]],
      ['Transfer-Encoding twice', [['Transfer-Encoding', 'chunked'], ['Transfer-Encoding', 'chunked']]],
      ['Transfer-Encoding: chunked, identity', [['Transfer-Encoding', 'chunked, identity']]],
      ['Transfer-Encoding: xchunked', [['Transfer-Encoding', 'xchunked']]],
      ['Content-Length negative', [['Content-Length', '-1']]],
      ['Content-Length not a number', [['Content-Length', 'ten']]],
    ];
    for (const [label, framing] of smuggling) {
      const chunked = framing.some(([name, value]) => name === 'Transfer-Encoding' && String(value) === 'chunked');
      const payload = chunked ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
      add('duplicated-headers', `${op.operationId}: ${label}`, op.method, pathOf(op), [valid, ['Content-Type', 'application/json'], ...framing], {
        body: payload, contentLength: false, mustRefuse: false, alone: true,
      });
    }
  }

  // --- Control characters and non-ASCII in keys ------------------------------------------------
  const controls = [...Array.from({ length: 32 }, (_, i) => i), 0x7f];
  for (const code of controls) {
    for (const position of ['start', 'middle', 'end', 'replace'] as const) {
      const key = keys.full;
      const char = String.fromCharCode(code);
      const mutated = position === 'start' ? char + key : position === 'end' ? key + char : position === 'middle' ? key.slice(0, 20) + char + key.slice(20) : key.slice(0, 20) + char + key.slice(21);
      for (const form of FORMS) {
        // Node's parser refuses most control characters in a header value before any route:
        // such a request closes its connection, so it goes alone.
        // Blanks around a header value are not part of it (RFC 9110 §5.5): a real key with a
        // trailing tab, or an X-API-Key with a leading one, is still that key.
        const blank = code === 0x09 || code === 0x20;
        const trimmedAway = blank && (position === 'end' || (position === 'start' && form === 'x-api-key'));
        call('control-and-non-ascii-keys', `0x${code.toString(16).padStart(2, '0')} at the ${position} of a real key (${form})`, ping, [credential(form, Buffer.from(mutated, 'latin1'))], {
          mustRefuse: !trimmedAway, presented: trimmedAway ? undefined : key, alone: !blank,
        });
      }
    }
  }
  const nonAscii = ['é', 'ü', 'ß', 'а' /* Cyrillic a */, 'Ｏ' /* fullwidth O */, '０', '🔑', '\u200b', '\ufeff', '\u00a0', '\u2028', 'ı', 'ſ', 'K' /* Kelvin */];
  for (const char of nonAscii) {
    for (const position of ['start', 'middle', 'end', 'replace'] as const) {
      const key = keys.full;
      const mutated = position === 'start' ? char + key : position === 'end' ? key + char : position === 'middle' ? key.slice(0, 20) + char + key.slice(20) : key.slice(0, 20) + char + key.slice(21);
      for (const form of FORMS) {
        for (const op of [ping, operations.find((o) => o.operationId === 'listApiKeys')!]) {
          call('control-and-non-ascii-keys', `U+${char.codePointAt(0)!.toString(16)} at the ${position} of a real key, UTF-8 (${form})`, op, [credential(form, Buffer.from(mutated, 'utf8'))], { mustRefuse: true, presented: key });
        }
        if (char.codePointAt(0)! <= 0xff) {
          call('control-and-non-ascii-keys', `U+${char.codePointAt(0)!.toString(16)} at the ${position} of a real key, latin1 (${form})`, ping, [credential(form, Buffer.from(mutated, 'latin1'))], { mustRefuse: true, presented: key });
        }
      }
    }
  }
  for (const bytes of [[0x80], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xff]]) {
    for (const form of FORMS) {
      for (const op of operations) {
        const raw = Buffer.concat([Buffer.from(keys.full.slice(0, 30)), Buffer.from(bytes), Buffer.from(keys.full.slice(30))]);
        call('control-and-non-ascii-keys', `invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(' ')} in a real key (${form})`, op, [credential(form, raw)], { mustRefuse: true, presented: keys.full });
      }
    }
  }
  for (const name of ['X-API-Kéy', 'X-API-Key\u00a0', 'Authorizatión']) {
    call('control-and-non-ascii-keys', `credential header named ${JSON.stringify(name)}`, ping, [[Buffer.from(name, 'utf8').toString('latin1'), keys.full]], { mustRefuse: true, presented: keys.full, alone: true });
  }

  // --- Empty and whitespace-only credentials ----------------------------------------------------
  const blanks = ['', ' ', '  ', '\t', ' \t ', '\t\t', '        ', ' '.repeat(200)];
  for (const op of operations) {
    for (const blank of blanks) {
      call('empty-credentials', `Authorization: ${JSON.stringify(blank)}`, op, [['Authorization', blank]], { mustRefuse: true });
      call('empty-credentials', `X-API-Key: ${JSON.stringify(blank)}`, op, [['X-API-Key', blank]], { mustRefuse: true });
      for (const scheme of ['Bearer', 'ApiKey']) {
        call('empty-credentials', `Authorization: ${scheme} + ${JSON.stringify(blank)}`, op, [['Authorization', `${scheme} ${blank}`]], { mustRefuse: true });
      }
    }
  }

  // --- A scheme with no key ---------------------------------------------------------------------
  const schemes = ['Bearer', 'ApiKey', 'bearer', 'apikey', 'BEARER', 'APIKEY', 'Basic', 'Digest', 'Token', 'Negotiate', 'HOBA', 'Mutual', 'AWS4-HMAC-SHA256', 'OAuth'];
  for (const op of operations) {
    for (const scheme of schemes) {
      call('scheme-without-key', `Authorization: ${scheme}`, op, [['Authorization', scheme]], { mustRefuse: true });
      call('scheme-without-key', `Authorization: ${scheme}:`, op, [['Authorization', `${scheme}:`]], { mustRefuse: true });
    }
    for (const separator of [':', '=', '\t', '  ', '\u00a0', ',', ';']) {
      call('scheme-without-key', `Authorization: Bearer${JSON.stringify(separator)}<key>`, op, [['Authorization', Buffer.from(`Bearer${separator}${keys.full}`, 'utf8')]], { mustRefuse: true, presented: keys.full });
    }
    call('scheme-without-key', 'Authorization: Basic <base64 of key>', op, [['Authorization', `Basic ${Buffer.from(`${keys.full}:`).toString('base64')}`]], { mustRefuse: true });
    call('scheme-without-key', 'Authorization: <key> with no scheme', op, [['Authorization', keys.full]], { mustRefuse: true, presented: keys.full });
    call('scheme-without-key', 'X-API-Key: Bearer <key>', op, [['X-API-Key', `Bearer ${keys.full}`]], { mustRefuse: true, presented: keys.full });
  }

  // --- Keys of every wrong length ---------------------------------------------------------------
  for (let length = 0; length <= 120; length++) {
    if (length === keys.full.length) continue;
    for (const mode of ['hk_test_', 'hk_live_']) {
    const prefix = mode.slice(0, length);
    const candidate = prefix + random.base62(Math.max(0, length - prefix.length));
    for (const form of FORMS) {
      for (const op of [ping, operations.find((o) => o.operationId === 'getUsage')!, operations.find((o) => o.operationId === 'createApiKey')!]) {
        call('wrong-length-keys', `a ${length}-character ${mode} key (${form})`, op, [credential(form, candidate)], { mustRefuse: true, presented: candidate });
      }
    }
    }
  }
  for (const length of [256, 1000, 4000, 8000]) {
    const candidate = `hk_live_${random.base62(length - 8)}`;
    for (const form of FORMS) call('wrong-length-keys', `a ${length}-character key (${form})`, ping, [credential(form, candidate)], { mustRefuse: true, presented: candidate });
  }

  // --- Truncated and padded keys ------------------------------------------------------------------
  for (const [role, key] of [['full', keys.full], ['read-only', keys.readOnly]] as const) {
    for (let cut = 1; cut < key.length; cut++) {
      for (const form of FORMS) {
        call('truncated-and-padded-keys', `the ${role} key cut to ${cut} characters (${form})`, ping, [credential(form, key.slice(0, cut))], { mustRefuse: true, presented: key });
        call('truncated-and-padded-keys', `the ${role} key without its first ${cut} characters (${form})`, ping, [credential(form, key.slice(cut))], { mustRefuse: true, presented: key });
      }
    }
    const pads = ['A', 'z', '0', '=', '==', '.', '-', '_', '%00', '%20', '\\0', '\\n', 'AAAAAAAAAA', key];
    for (const pad of pads) {
      for (const form of FORMS) {
        for (const op of readOnlyOps) {
          call('truncated-and-padded-keys', `the ${role} key + ${JSON.stringify(pad.length > 20 ? 'itself' : pad)} (${form})`, op, [credential(form, key + pad)], { mustRefuse: true, presented: key });
          call('truncated-and-padded-keys', `${JSON.stringify(pad.length > 20 ? 'itself' : pad)} + the ${role} key (${form})`, op, [credential(form, pad + key)], { mustRefuse: true, presented: key });
        }
      }
    }
    for (let at = 0; at < key.length; at++) {
      const changed = key.slice(0, at) + (key[at] === 'A' ? 'B' : 'A') + key.slice(at + 1);
      const swapped = at + 1 < key.length ? key.slice(0, at) + key[at + 1] + key[at] + key.slice(at + 2) : key;
      for (const form of FORMS) {
        call('truncated-and-padded-keys', `the ${role} key with character ${at} changed (${form})`, ping, [credential(form, changed)], { mustRefuse: true, presented: key });
        if (swapped !== key) call('truncated-and-padded-keys', `the ${role} key with characters ${at} and ${at + 1} swapped (${form})`, ping, [credential(form, swapped)], { mustRefuse: true, presented: key });
      }
    }
    const otherMode = key.startsWith('hk_test_') ? `hk_live_${key.slice(8)}` : `hk_test_${key.slice(8)}`;
    const recomputed = otherMode.slice(0, 38) + checksumOf(otherMode.slice(0, 38));
    for (const form of FORMS) {
      call('truncated-and-padded-keys', `the ${role} key in the other mode (${form})`, ping, [credential(form, otherMode)], { mustRefuse: true, presented: key });
      call('truncated-and-padded-keys', `the ${role} key in the other mode, checksum recomputed (${form})`, ping, [credential(form, recomputed)], { mustRefuse: true, presented: key });
      call('truncated-and-padded-keys', `the ${role} key upper-cased (${form})`, ping, [credential(form, key.toUpperCase())], { mustRefuse: true, presented: key });
    }
  }

  // --- Invalid and deeply nested JSON ---------------------------------------------------------
  const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);
  const badJson = [
    '{', '}', '[', '{"', '{"name"', '{"name":', '{"name":"x"', '{"name":"x",}', '{,}', '[,]', '{"a" "b"}', "{'name':'x'}", '{name:"x"}',
    'null', 'true', '0', '-0', '1e309', '"string"', '[]', '{}{}', '{} {}', '\u0000', '\ufeff{}', '{"name":"\u0000"}', '{"name":"\\ud800"}',
    '{"name":"\\u00"}', '{"name":NaN}', '{"name":Infinity}', '{"name":undefined}', '{"name":0x10}', '{"name":01}', '/* c */ {}', '{} // c',
    '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '{"name":"x","name":"y"}',
    '{"scopes":["keys:read","keys:read"]}', '{"scopes":"keys:read"}', '{"scopes":[null]}', '{"expires_at":"yesterday"}', '{"expires_at":"2000-01-01T00:00:00Z"}',
    '{"grace_period_seconds":-1}', '{"grace_period_seconds":1e400}', '{"grace_period_seconds":"60"}', '{"grace_period_seconds":9007199254740993}',
    '{"channel":"email"}', '{"channel":"sms","to":"+1"}', '{"channel":"webhook","url":"javascript:alert(1)"}', '{"channel":"email","to":"a@b","subject":"' + 's'.repeat(5000) + '","text":"t"}',
    'x'.repeat(1000), '{"name":' + '"x"'.repeat(100) + '}', '[' + '1,'.repeat(5000) + '1]',
    nested(100, '[', ']'), nested(1000, '[', ']'), nested(5000, '[', ']'), nested(8000, '[', ']'),
    nested(1000, '{"a":', '}').replace(/}$/, '1}'), '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
    '{"name":' + nested(4000, '[', ']') + '}', '{"scopes":' + nested(4000, '[', ']') + '}', '{"payload":' + '{"a":'.repeat(2500) + '{}' + '}'.repeat(2500) + '}',
    '[' + '{},'.repeat(4000) + '{}]', '{"name":"' + '\\u0041'.repeat(2500) + '"}', '{"name":"' + '\\\\'.repeat(4000) + '"}',
  ];
  for (const op of withBody) {
    for (const [index, body] of badJson.entries()) {
      for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
        add('invalid-and-nested-json', `${op.operationId}: bad JSON #${index} as ${contentType}`, op.method, pathOf(op), [credential('bearer', keys.full), ['Content-Type', contentType]], { body, mustRefuse: false });
      }
      add('invalid-and-nested-json', `${op.operationId}: bad JSON #${index} without a key`, op.method, pathOf(op), [['Content-Type', 'application/json']], { body, mustRefuse: true });
    }
    for (const bytes of [[0xff, 0xfe], [0xc3], [0xe2, 0x82], [0x80, 0x80, 0x80]]) {
      const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
      add('invalid-and-nested-json', `${op.operationId}: invalid UTF-8 in a string`, op.method, pathOf(op), [credential('bearer', keys.full), ['Content-Type', 'application/json']], { body, mustRefuse: false });
    }
  }

  // --- Bodies over the size limit ---------------------------------------------------------------
  const limit = contract.maxBodyBytes;
  for (const size of [limit + 1, limit + 2, limit + 1024, 4 * limit, 100_000, 1_000_000]) {
    for (const op of operations) {
      const body = `{"pad":"${'x'.repeat(size - 10)}"}`;
      for (const [label, creds, mustRefuse] of [['a valid key', [credential('apikey', keys.full)], false], ['no key', [], true], ['an unknown key', [credential('x-api-key', unknown)], true]] as const) {
        add('oversized-bodies', `${op.operationId}: ${size}-byte body with ${label}`, op.method, pathOf(op), [...creds, ['Content-Type', 'application/json']], { body, mustRefuse, presented: label === 'an unknown key' ? unknown : undefined });
      }
      if (size <= 100_000) {
        const chunk = body.length.toString(16);
        add('oversized-bodies', `${op.operationId}: ${size}-byte chunked body`, op.method, pathOf(op), [credential('apikey', keys.full), ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], {
          body: `${chunk}\r\n${body}\r\n0\r\n\r\n`, contentLength: false, mustRefuse: false,
        });
        const pieces = body.match(/[\s\S]{1,1000}/g)!.map((piece) => `${piece.length.toString(16)}\r\n${piece}\r\n`).join('') + '0\r\n\r\n';
        add('oversized-bodies', `${op.operationId}: ${size}-byte body in 1000-byte chunks`, op.method, pathOf(op), [credential('apikey', keys.full), ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], {
          body: pieces, contentLength: false, mustRefuse: false,
        });
      }
    }
  }

  // --- Wrong content types ----------------------------------------------------------------------
  const contentTypes = [
    'text/plain', 'text/html', 'text/json', 'application/xml', 'text/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/octet-stream', 'application/javascript', 'application/jsonp', 'application/json-patch+json', 'application/merge-patch+json',
    'application/problem+json', 'application/ld+json', 'application/vnd.api+json', 'application/x-json', 'json', 'application', 'application/',
    '/json', '*/*', 'application/*', 'application/json, text/plain', 'text/plain, application/json', 'application/json;', 'application/json; charset',
    'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset="utf-8"', 'application/json ; charset=utf-8',
    'APPLICATION/JSON', 'Application/Json', 'application/json\t', ';;;', '', ' ', 'image/png', 'application/yaml', 'application/cbor', 'x'.repeat(2000),
  ];
  for (const op of operations) {
    for (const contentType of contentTypes) {
      const body = op.requestBody ? exampleBody(op) : '{}';
      for (const [label, creds, mustRefuse] of [['a valid key', [credential('bearer', keys.full)], false], ['no key', [], true]] as const) {
        add('wrong-content-types', `${op.operationId}: Content-Type ${JSON.stringify(contentType.slice(0, 40))} with ${label}`, op.method, pathOf(op), [...creds, ['Content-Type', contentType]], { body, mustRefuse });
      }
    }
    if (op.requestBody) {
      add('wrong-content-types', `${op.operationId}: a body with no Content-Type`, op.method, pathOf(op), [credential('bearer', keys.full)], { body: exampleBody(op), mustRefuse: false });
      add('wrong-content-types', `${op.operationId}: form-encoded body`, op.method, pathOf(op), [credential('bearer', keys.full), ['Content-Type', 'application/x-www-form-urlencoded']], { body: 'name=x&scopes=keys:read', mustRefuse: false });
    }
  }

  // --- Unknown methods ----------------------------------------------------------------------------
  // Methods Node's parser knows (routed: 404 or 405) and tokens it does not (malformed: alone).
  const knownToNode = ['PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PURGE', 'MKCALENDAR', 'LINK', 'UNLINK', 'SOURCE', 'ACL', 'BIND', 'REBIND', 'UNBIND', 'QUERY'];
  const unknownToNode = ['FOO', 'get', 'Get', 'GETS', 'POSTX', 'DELETEME', 'BREW', 'WHEN', 'X', 'G-E-T', 'ÄÖÜ', 'GET\t', 'M'.repeat(1000)];
  const paths = [...new Set(operations.map(pathOf)), '/v1/', '/v1/unknown', '/', '/health', '/openapi.json'];
  for (const path of paths) {
    for (const method of knownToNode) {
      for (const [label, creds] of [['a valid key', [credential('bearer', keys.full)]], ['no key', []]] as const) {
        add('unknown-methods', `${method} ${path} with ${label}`, method, method === 'CONNECT' && path === '/' ? '127.0.0.1:80' : path, [...creds], { mustRefuse: true, alone: method === 'CONNECT' });
      }
    }
    for (const method of unknownToNode) {
      add('unknown-methods', `${method.slice(0, 12)} ${path}`, method, path, [credential('bearer', keys.full)], { mustRefuse: true, alone: true });
    }
  }

  // --- Encoded and traversing paths -----------------------------------------------------------------
  const pathVariants = [
    '/v1/%70ing', '/v1/p%69ng', '/%76%31/ping', '/v1/PING', '/V1/ping', '/v1/ping/', '/v1//ping', '//v1/ping', '/v1/./ping', '/v1/../v1/ping', '/v1/ping/..',
    '/v1/ping/.', '/v1/%2e/ping', '/v1/%2e%2e/ping', '/v1/%2E%2E/%2E%2E/etc/passwd', '/v1/..%2fping', '/v1/..%2Fping', '/v1%2fping', '/v1%2Fping', '/v1/ping%2f',
    '/v1/ping%00', '/v1/ping%0a', '/v1/ping%0d%0a', '/v1/ping%20', '/v1/ping;x=1', '/v1/ping#frag', '/v1/ping%23frag', '/v1/ping%3fx=1', '/v1\\ping',
    '/v1/%5cping', '/v1/%c0%ae%c0%ae/ping', '/v1/%252e%252e/ping', '/v1/%u0070ing', '/v1/%', '/v1/%zz', '/v1/%e2%82', '/v1/%ff', '/v1/api-keys/%00',
    '/v1/api-keys/..', '/v1/api-keys/../../health', '/v1/api-keys/%2e%2e', '/v1/api-keys/key_ZZZZZZZZZZZZZZZZZZZZZZZZ/../../ping',
    '/v1/api-keys/key_ZZZZZZZZZZZZZZZZZZZZZZZZ%2f..%2f..%2fping', '/v1/api-keys/key_%5a%5aZZZZZZZZZZZZZZZZZZZZZZ', '/v1/api-keys/KEY_ZZZZZZZZZZZZZZZZZZZZZZZZ',
    '/v1/api-keys/key_ZZZZZZZZZZZZZZZZZZZZZZZ', '/v1/api-keys/key_ZZZZZZZZZZZZZZZZZZZZZZZZZ', '/v1/api-keys/key_ZZZZZZZZZZZZZZZZZZZZZZZ!',
    '/v1/api-keys/' + 'k'.repeat(3000), '/v1/api-keys/' + '%41'.repeat(1000), '/v1/notifications/ntf_ZZZZZZZZZZZZZZZZZZZZZZZZ/..', '/v1/notifications/%2e%2e%2f%2e%2e%2fusage',
    '/v1/usage/', '/v1/usage/..', '/v1/usage%2f..%2fping', '/v1/environment/../api-keys', '/etc/passwd', '/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd',
    '/.env', '/.git/config', '/v1/.env', '/node_modules/fastify/package.json', '/mock/fixtures/demo.json', '/v1/' + 'a/'.repeat(500), '/' + 'x'.repeat(8000),
    `/v1/api-keys/${keys.full}`, `/v1/api-keys/${keys.full}/regenerate`, `/v1/api-keys/${keys.full.slice(8)}`, `/v1/${keys.full.slice(0, 12)}%0A${keys.full.slice(12)}`,
  ];
  const rawPaths = ['/v1/pïng', '/v1/ping\u00a0', '/v1/ключи', '/v1/🔑'];
  for (const path of pathVariants) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      for (const [label, creds] of [['a valid key', [credential('apikey', keys.full)]], ['no key', []], ['a read-only key', [credential('x-api-key', keys.readOnly)]]] as const) {
        add('encoded-and-traversing-paths', `${method} ${path.slice(0, 60)} with ${label}`, method, path, [...creds, ...(method === 'POST' ? [['Content-Type', 'application/json'] as Header] : [])], {
          body: method === 'POST' ? '{}' : undefined,
          // Only a path that decodes to a real route may succeed, and then only with a key.
          mustRefuse: label === 'no key',
          presented: path.includes(keys.full) ? keys.full : undefined,
        });
      }
    }
  }
  for (const path of rawPaths) {
    add('encoded-and-traversing-paths', `GET ${path} raw (UTF-8 bytes in the request line)`, 'GET', Buffer.from(path, 'utf8').toString('latin1'), [credential('apikey', keys.full)], { mustRefuse: true, alone: true });
  }
  for (const target of ['*', 'http://evil.example/v1/ping', 'https://127.0.0.1/v1/usage', '127.0.0.1:80', 'v1/ping', '?x', '']) {
    add('encoded-and-traversing-paths', `GET ${JSON.stringify(target)} as the request target`, 'GET', target, [credential('bearer', keys.full)], { mustRefuse: !target.includes('/v1/'), alone: true });
  }

  // --- Query strings of every shape -------------------------------------------------------------------
  const queries = [
    '?', '??', '?&', '?&&&', '?=', '?==', '?=x', '?x', '?x=', '?x=1', '?x=1&x=2', '?limit', '?limit=', '?limit=0', '?limit=1', '?limit=100', '?limit=101',
    '?limit=-1', '?limit=1.5', '?limit=1e2', '?limit=0x10', '?limit=%31', '?limit=+1', '?limit= 1', '?limit=1&limit=2', '?limit[]=1', '?limit[a]=1',
    '?limit=99999999999999999999', '?limit=NaN', '?limit=null', '?limit=true', '?limit=%00', '?cursor=', '?cursor=x', '?cursor=%00', '?cursor=' + 'A'.repeat(500),
    '?cursor=eyJ9', '?cursor=' + Buffer.from('{"seq":-1}').toString('base64url'), '?cursor=../../etc/passwd', '?cursor[]=1', '?cursor=1&cursor=2',
    '?__proto__[admin]=true', '?constructor[prototype][admin]=true', '?__proto__=x', '?a[b][c][d][e][f]=1', '?a=b=c', '?%', '?%zz', '?%e2%82', '?%ff=%ff',
    '?x=%0d%0aSet-Cookie:%20a=b', '?x=<script>alert(1)</script>', "?x=' OR 1=1 --", '?x=${7*7}', '?x={{7*7}}', '?x=' + 'y'.repeat(4000),
    '?' + Array.from({ length: 1000 }, (_, i) => `p${i}=${i}`).join('&'), '?' + 'a&'.repeat(3000), '?api_key=' + keys.full, '?key=' + keys.full,
    '?api_key=' + encodeURIComponent(keys.full), '?x=' + keys.full.replace(/_/g, '%5F'), '?x=' + keys.full.replace(/_/g, '%5f'), '?#', '?x=1#y',
    // A key split by a stray byte, without its prefix, and every character percent-encoded.
    '?x=' + keys.full.slice(0, 11) + '%00' + keys.full.slice(11), '?x=' + keys.full.slice(8), '?x=' + [...keys.full].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
  ];
  for (const op of readOnlyOps) {
    for (const query of queries) {
      for (const [label, creds] of [['a valid key', [credential('bearer', keys.full)]], ['no key', []]] as const) {
        add('query-strings', `${op.operationId} ${query.slice(0, 40)} with ${label}`, op.method, pathOf(op) + query, [...creds], {
          mustRefuse: label === 'no key',
          presented: query.includes(keys.full.slice(8)) ? keys.full : undefined,
        });
      }
    }
  }
  for (const op of withBody) {
    for (const query of queries.slice(0, 30)) {
      add('query-strings', `${op.operationId} ${query.slice(0, 40)} with a bad key`, op.method, pathOf(op) + query, [credential('bearer', 'hk_test_short'), ['Content-Type', 'application/json']], { body: exampleBody(op), mustRefuse: true });
    }
  }
  return out;
}
