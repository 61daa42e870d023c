import type { Exchange } from '../http/http-client.ts';

/**
 * A `curl` command that sends exactly the request of an exchange, to paste into a POSIX shell:
 * every key is a shell variable (never its value), every byte of every header and body is sent as
 * it was (printf octal escapes where a byte is not printable ASCII), nothing is globbed or
 * normalised (`--globoff`, `--path-as-is`). Notes above it (`# …`) say what each variable holds
 * and, for a key the run created, how to make one like it.
 */
export interface KeyOrigin {
  /** The shell variable that holds it: `HERALD_API_KEY`, `HERALD_CREATED_KEY`, … */
  variable: string;
  /** A key the run created: what it was, and the configured key that can make one like it. */
  created?: { name: string; scopes: string[]; creatorVariable: string };
}

export type OriginOf = (value: string) => KeyOrigin | undefined;

/** Stands for a value the suite made up on purpose (near-copies of keys, keys no one has). */
const MADE_UP = 'HERALD_PRESENTED_KEY';

type Piece = { literal: Buffer } | { variable: string };

export function curlCommand(exchange: Exchange, presented: string[], originOf: OriginOf, baseUrl: string): string {
  const { request } = exchange;
  const notes = new Map<string, string>();
  const secrets = presented.filter((value) => value.length > 0);
  const variableOf = (value: string): string => {
    const origin = originOf(value);
    if (!origin) {
      notes.set(MADE_UP, `# ${MADE_UP}: a key the suite made up for this check (a near-copy of a real key, or a well-formed key no one was issued); any value of that kind reproduces it`);
      return MADE_UP;
    }
    if (origin.created && !notes.has(origin.variable)) {
      const { name, scopes, creatorVariable } = origin.created;
      notes.set(origin.variable, `# ${origin.variable}: the secret of a key the run created ("${name}", ${scopes.join(' ') || 'no scopes'}; since revoked). Make one like it and use the "secret" it answers:\n#   curl -sS -X POST '${baseUrl}/api-keys' -H 'Authorization: Bearer '"$${creatorVariable}" -H 'Content-Type: application/json' --data-binary '${JSON.stringify({ name: 'reproduction', scopes }).replace(/'/g, "'\\''")}'`);
    }
    return origin.variable;
  };

  const lines = [`curl -sS -i --globoff --path-as-is -X ${quote(Buffer.from(request.method))} ${quote(Buffer.from(request.url))}`];
  let pipe: string | undefined;
  for (const [name, value] of request.headers) {
    // Node sends header text as latin1 bytes; `Name;` is how curl sends a header with no value.
    lines.push(`-H ${word(split(value === '' ? `${name};` : `${name}: ${value}`, secrets, variableOf))}`);
  }
  const body = request.bodyBytes ?? (request.body === undefined ? undefined : Buffer.from(request.body));
  if (body !== undefined) {
    const pieces = split(body.toString('latin1'), secrets, variableOf);
    if (printable(pieces)) lines.push(`--data-binary ${word(pieces)}`);
    else {
      pipe = printfOf(pieces);
      lines.push('--data-binary @-');
    }
  }
  const command = lines.join(' \\\n  ');
  return [...notes.values(), pipe ? `${pipe} |\n${command}` : command].join('\n');
}

/** Splits text at every occurrence of a secret, so each becomes its variable. */
function split(text: string, secrets: string[], variableOf: (value: string) => string): Piece[] {
  let pieces: Piece[] = [{ literal: Buffer.from(text, 'latin1') }];
  const longestFirst = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  for (const secret of longestFirst) {
    const needle = Buffer.from(secret, 'latin1');
    const next: Piece[] = [];
    for (const piece of pieces) {
      if (!('literal' in piece)) {
        next.push(piece);
        continue;
      }
      let rest = piece.literal;
      let at = rest.indexOf(needle);
      while (at >= 0) {
        if (at > 0) next.push({ literal: rest.subarray(0, at) });
        next.push({ variable: variableOf(secret) });
        rest = rest.subarray(at + needle.length);
        at = rest.indexOf(needle);
      }
      if (rest.length > 0) next.push({ literal: rest });
    }
    pieces = next;
  }
  return pieces;
}

function printable(pieces: Piece[]): boolean {
  return pieces.every((p) => !('literal' in p) || p.literal.every((byte) => byte >= 0x20 && byte < 0x7f));
}

/** One shell word: single-quoted literals and double-quoted variables, side by side. */
function word(pieces: Piece[]): string {
  if (!printable(pieces)) return `"$(${printfOf(pieces)})"`;
  if (pieces.length === 0) return "''";
  return pieces.map((p) => ('literal' in p ? quote(p.literal) : `"$${p.variable}"`)).join('');
}

function quote(bytes: Buffer): string {
  return `'${bytes.toString('latin1').replace(/'/g, "'\\''")}'`;
}

/** `printf 'format' "$VAR"…`: octal escapes for every byte that is not printable ASCII. */
function printfOf(pieces: Piece[]): string {
  let format = '';
  const variables: string[] = [];
  for (const piece of pieces) {
    if (!('literal' in piece)) {
      format += '%s';
      variables.push(`"$${piece.variable}"`);
      continue;
    }
    for (const byte of piece.literal) {
      if (byte === 0x25) format += '%%';
      else if (byte === 0x5c) format += '\\\\';
      else if (byte === 0x27) format += "'\\''";
      else if (byte >= 0x20 && byte < 0x7f) format += String.fromCharCode(byte);
      else format += `\\${byte.toString(8).padStart(3, '0')}`;
    }
  }
  return `printf '${format}'${variables.map((v) => ` ${v}`).join('')}`;
}
