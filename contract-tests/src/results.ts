/**
 * The shapes results travel in: from a scenario to the runner, then to every report. Everything
 * here is already redacted.
 */

/** A request and its response as a report shows them. */
export interface RenderedExchange {
  request: { method: string; url: string; headers: Array<[string, string]>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  failure?: string;
  /** A shell command that sends the same request (secrets as shell variables), with notes. */
  curl?: string;
}

export interface CheckFailure {
  rule: string;
  message: string;
  scenario?: string;
  exchange?: RenderedExchange;
}

export interface SkipNote {
  rule: string;
  reason: string;
}

/** What one scenario recorded. */
export interface LedgerData {
  /** The rules the scenario was declared for. */
  rules: string[];
  passes: Record<string, number>;
  failures: CheckFailure[];
  /** Failures counted but not kept in detail (a rule broken hundreds of times). */
  droppedFailures: Record<string, number>;
  skips: SkipNote[];
  requestIds: string[];
  requests: number;
  failedAuthentications: number;
  /** Schema-derived cases sent (the input rules). */
  fuzzCases: number;
}

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error';

export interface RuleResult {
  id: string;
  title: string;
  group: string;
  status: RuleStatus;
  checks: number;
  passed: number;
  failed: number;
  failures: CheckFailure[];
  skipReasons: string[];
  errors: string[];
  /** Time of the scenarios that check this rule (each scenario's time split among its rules). */
  durationMs: number;
}

/** One cell of the coverage matrix: an operation and a status, credential form or scope outcome. */
export interface CoverageCell {
  operation: string;
  kind: 'status' | 'credential-form' | 'scope';
  /** `404`, `XApiKey`, `granted` / `missing`. */
  value: string;
  exercised: boolean;
  /** Not causable from outside (a 500): never counted against the run. */
  causable: boolean;
  /** Why it was not exercised (or why it cannot be). */
  reason?: string;
}

export interface CoverageResult {
  cells: CoverageCell[];
  causable: number;
  exercised: number;
  /** exercised ÷ causable, in percent. */
  percent: number;
  /** Statuses answered that the operation does not document. */
  undocumented: Array<{ operation: string; status: number; count: number }>;
  /** The floor asked for with --min-coverage, if any. */
  minimum?: number;
}

/** How the run ended, when it did not end by itself. */
export interface StopNote {
  /** `SIGINT`, `SIGTERM`, `max-time`, `target-unresponsive`. */
  cause: string;
  message: string;
}

/** What the run did to leave the target as it found it. */
export interface CleanupNote {
  created: number;
  revoked: number;
  /** Keys left active (revocation failed or ran out of time): they expire by themselves. */
  leftActive: number;
  /** Seconds the run moved the target's test clock and moved back at the end. */
  clockAdvancedSeconds: number;
  clockRestored: boolean | null;
  notes: string[];
}

export interface RunResult {
  target: string;
  profile: string;
  startedAt: string;
  durationMs: number;
  rules: RuleResult[];
  totals: {
    checks: number;
    passedChecks: number;
    failedChecks: number;
    rules: Record<RuleStatus, number>;
    requests: number;
    failedAuthentications: number;
    /**
     * The same, by the rule group of the scenario that caused them: the `throttle` group causes
     * its own on purpose; the rest (the auth matrix mostly) is what a run costs a deployment's
     * failed-auth throttle.
     */
    failedAuthenticationsByGroup: Record<string, number>;
  };
  /** Problems of the runner itself: bad configuration, unreachable target, crashes. */
  errors: string[];
  exitCode: number;
  /** Seed of the schema-derived input (`--seed` reproduces it). */
  seed?: number;
  fuzz?: { runs: number; cases: number; durationMs: number };
  coverage?: CoverageResult;
  /** Set when the run was interrupted, hit --max-time, or stopped because the target stopped answering. */
  stopped?: StopNote;
  cleanup?: CleanupNote;
  /** Skipped rules that make the run incomplete under --fail-on-skip. */
  failOnSkip?: boolean;
}

/**
 * Exit codes (README, --help). A failure of the target always wins over a runner error: a run that
 * found failures says so (1) even if something else went wrong too.
 */
export const EXIT = { ok: 0, failed: 1, error: 2, incomplete: 3, stopped: 4, sigint: 130, sigterm: 143 } as const;

export function emptyLedger(): LedgerData {
  return { rules: [], passes: {}, failures: [], droppedFailures: {}, skips: [], requestIds: [], requests: 0, failedAuthentications: 0, fuzzCases: 0 };
}
