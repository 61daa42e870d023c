import type { IncomingMessage } from 'node:http';
import { parse as secureJsonParse } from 'secure-json-parse';

// Reads the body of a request to an API operation, after authentication. Operations with a
// request body take JSON only (`Content-Type: application/json`, any parameters and case), up
// to the spec's size limit; operations without one read and drop whatever is sent, so a stray
// body neither fails the request nor stays on a kept-alive connection. The rules are the ones
// fastify applied when it parsed these bodies, so the answers did not change when the API
// pipeline left it: an unsupported or missing media type → 415 before reading; too large →
// 413; a length that does not match the body, an empty or invalid JSON document, a body that
// could not be read → 400. After a failure while reading, the connection closes: the client may
// still be sending.

/** Why a body was refused. */
export type BodyFailure = 'unsupported_media_type' | 'too_large' | 'length_mismatch' | 'empty' | 'invalid_json' | 'unreadable';

export type BodyOutcome =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly failure: BodyFailure; readonly closeConnection: boolean };

export interface BodyRules {
  /** The operation takes a JSON request body; otherwise any body is read and dropped. */
  readonly json: boolean;
  /** An empty body is an error (otherwise it is no body). */
  readonly required: boolean;
  /** Bytes at most. */
  readonly limit: number;
}

/** Methods whose requests are served without waiting for a body (Node drops one after the response). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'TRACE']);

const NO_BODY: BodyOutcome = Object.freeze({ ok: true, body: undefined });
// What fastify answered to __proto__ and constructor.prototype keys: an invalid document.
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

export function readRequestBody(request: IncomingMessage, rules: BodyRules, done: (outcome: BodyOutcome) => void): void {
  if (BODYLESS_METHODS.has(request.method as string)) {
    done(NO_BODY);
    return;
  }
  const headers = request.headers;
  const contentLength = headers['content-length'];
  const sendsNothing = headers['transfer-encoding'] === undefined && (contentLength === undefined || contentLength === '0');
  if (!rules.json) {
    if (sendsNothing) done(NO_BODY);
    else drain(request, () => done(NO_BODY));
    return;
  }
  const contentType = headers['content-type'];
  if (contentType === undefined ? !sendsNothing : !isJsonMediaType(contentType)) {
    done(refused('unsupported_media_type', false));
    return;
  }
  if (contentType === undefined) {
    done(NO_BODY);
    return;
  }
  readText(request, rules.limit, contentLength === undefined ? NaN : Number(contentLength), (text) => {
    if (typeof text !== 'string') done(text);
    else if (text.length === 0) done(rules.required ? refused('empty', true) : NO_BODY);
    else done(parseJson(text));
  });
}

/** `application/json`, whatever its parameters and letter case. */
export function isJsonMediaType(contentType: string): boolean {
  const end = contentType.indexOf(';');
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase() === 'application/json';
}

function parseJson(text: string): BodyOutcome {
  try {
    return { ok: true, body: secureJsonParse(text, PARSE_OPTIONS) };
  } catch {
    return refused('invalid_json', true);
  }
}

function refused(failure: BodyFailure, closeConnection: boolean): BodyOutcome {
  return { ok: false, failure, closeConnection };
}

/** The body as UTF-8 text, or why it could not be read. */
function readText(request: IncomingMessage, limit: number, declaredLength: number, done: (text: string | BodyOutcome) => void): void {
  if (declaredLength > limit) {
    done(refused('too_large', true));
    return;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  const stop = () => {
    request.removeListener('data', onData);
    request.removeListener('end', onEnd);
    request.removeListener('error', onError);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) {
      stop();
      done(refused('too_large', true));
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    stop();
    if (!Number.isNaN(declaredLength) && received !== declaredLength) done(refused('length_mismatch', true));
    else done(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, received).toString('utf8'));
  };
  const onError = () => {
    stop();
    done(refused('unreadable', true));
  };
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onError);
  request.resume();
}

/** Reads a body to its end and drops it; `then` runs when it ended or broke off. */
function drain(request: IncomingMessage, then: () => void): void {
  let called = false;
  const once = () => {
    if (!called) {
      called = true;
      then();
    }
  };
  request.on('error', once);
  request.on('end', once);
  request.resume();
}
