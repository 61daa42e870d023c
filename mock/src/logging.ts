// Log output of the reference server: pino (through fastify) writing JSON lines to a sink, with
// every line scrubbed of anything shaped like a Herald key before it leaves the process. The
// server never logs credential headers in the first place; the scrubbing is the second lock, for
// keys that arrive where nobody expects them (a query string, a path, a body echoed in an error).

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Anything that starts like a Herald key, whatever follows and however long. */
const KEY_LIKE = /hk_(?:live|test)_[0-9A-Za-z]*/g;
export const REDACTED = '[redacted]';

export function redactSecrets(line: string): string {
  return line.replace(KEY_LIKE, REDACTED);
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
