// Log output of the reference server: pino (through fastify) writing JSON lines to a sink, with
// every line scrubbed of anything shaped like a Herald key before it leaves the process. The
// server never logs credential headers in the first place; the scrubbing is the second lock, for
// keys that arrive where nobody expects them (a query string, a path, a body echoed in an error).

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Anything that starts like a Herald key (its underscores percent-encoded or not), whatever
 * follows and however long; and any run of 28 or more base62 characters, the length of a key's
 * part after its public 16-character prefix, so a key cut from its prefix or split by stray
 * bytes is not written either. The server's own ids (24 random characters) are never that long.
 */
const KEY_LIKE = /hk(?:_|%5f)(?:live|test)(?:_|%5f)[0-9A-Za-z]*|[0-9A-Za-z]{28,}/gi;
export const REDACTED = '[redacted]';

export function redactSecrets(line: string): string {
  return line.replace(KEY_LIKE, REDACTED);
}

/**
 * A request target as it goes into a log line: percent-decoded where possible, so that a key
 * sent percent-encoded (in a query string, say) is recognised and redacted like a plain one.
 */
export function loggableUrl(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

export interface LogSink {
  (line: string): void;
}

/** Fastify `logger` options: pino at `level`, writing scrubbed lines to `sink`. */
export function loggerOptions(level: LogLevel, sink: LogSink) {
  return {
    level,
    stream: { write: (line: string) => sink(redactSecrets(line)) },
    // Defence in depth: should a request object ever be logged, its credential headers are
    // dropped rather than masked.
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'headers["x-api-key"]'],
      remove: true,
    },
  };
}

export const stdoutSink: LogSink = (line) => {
  process.stdout.write(line);
};
