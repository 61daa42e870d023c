/**
 * The shapes results travel in: from a scenario to the runner, then to every report. Everything
 * here is already redacted.
 */

/** A request and its response as a report shows them. */
export interface RenderedExchange {
  request: { method: string; url: string; headers: Array<[string, string]>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  failure?: string;
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
}

export const EXIT = { ok: 0, failed: 1, error: 2 } as const;

export function emptyLedger(): LedgerData {
  return { rules: [], passes: {}, failures: [], droppedFailures: {}, skips: [], requestIds: [], requests: 0, failedAuthentications: 0 };
}
