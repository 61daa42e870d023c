// The defaults of the options every Herald client takes, in one place: the README and the
// docs' code samples show these figures (the sample generator reads them from here).
export const DEFAULTS = {
  /** Retries after the first attempt. */
  maxRetries: 2,
  /** Milliseconds one attempt may take, until its whole response has arrived. */
  timeoutMs: 30_000,
  /** The longest server-requested wait (`Retry-After`, a rate-limit reset) the client waits out before a retry. */
  maxRetryWaitMs: 60_000,
} as const;
