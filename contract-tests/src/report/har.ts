import { STATUS_CODES } from 'node:http';
import type { Exchange } from '../http/http-client.ts';
import type { Redactor } from '../redact.ts';
import type { RunResult } from '../results.ts';

/** Most body text one entry keeps (the HAR of a run against a misbehaving target stays small). */
const MAX_TEXT = 64 * 1024;

/**
 * Every exchange of a run as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), for
 * browser dev tools, proxies and HAR viewers. Redacted with the run's redactor — every key the run
 * knew, and anything shaped like a key — so a HAR can be attached to a ticket. An exchange that got
 * no complete answer has status 0 and says why in `_error`.
 */
export function renderHar(exchanges: Exchange[], redactor: Redactor, result: Pick<RunResult, 'target' | 'startedAt'>): string {
  const entries = exchanges.map((exchange) => {
    const url = new URL(exchange.request.url);
    const headers = exchange.request.headers.map(([name, value]) => ({ name, value }));
    const contentType = exchange.request.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
    const response = exchange.response;
    const wait = exchange.headersAfterMs ?? exchange.durationMs;
    return {
      startedDateTime: new Date(exchange.startedAt).toISOString(),
      time: exchange.durationMs,
      request: {
        method: exchange.request.method,
        url: url.toString(),
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers,
        queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
        ...(exchange.request.body !== undefined ? { postData: { mimeType: contentType, text: cut(exchange.request.body) } } : {}),
        headersSize: -1,
        bodySize: exchange.request.bodyBytes?.length ?? (exchange.request.body === undefined ? 0 : Buffer.byteLength(exchange.request.body)),
      },
      response: {
        status: response?.status ?? 0,
        statusText: response ? STATUS_CODES[response.status] ?? '' : '',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: Object.entries(response?.headers ?? {}).map(([name, value]) => ({ name, value })),
        content: { size: response ? Buffer.byteLength(response.body) : 0, mimeType: response?.headers['content-type'] ?? '', text: cut(response?.body ?? '') },
        redirectURL: response?.headers.location ?? '',
        headersSize: -1,
        bodySize: response ? Buffer.byteLength(response.body) : -1,
        ...(exchange.failure ? { _error: exchange.failure } : {}),
      },
      cache: {},
      timings: { send: 0, wait, receive: Math.max(0, exchange.durationMs - wait) },
    };
  });
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'herald-contract', version: '1.0.0', comment: `run against ${result.target} from ${result.startedAt}` },
      pages: [],
      entries,
    },
  };
  return `${JSON.stringify(redactor.redactDeep(har), null, 1)}\n`;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length} characters; the HAR keeps ${MAX_TEXT})` : text;
}
