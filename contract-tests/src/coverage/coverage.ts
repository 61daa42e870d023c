import type { Reply } from '../harness/reply.ts';
import type { CoverageCell, CoverageResult, RuleResult } from '../results.ts';
import type { RuleId } from '../rule-catalogue.ts';
import type { Contract } from '../spec/contract.ts';
import type { Operation } from '../spec/operations.ts';

/**
 * The coverage matrix of a run: every operation × every status it documents, and for operations
 * that need a key × each credential form (a success presented that way) and × each scope outcome
 * (a success with a key holding just what it needs; a 403 for a key lacking it). Each cell is
 * exercised or not, and when not, says why: not causable from outside (a 500), left out (the
 * reasons of the rules that would cause it: a key not configured, --skip, the profile), or simply
 * not reached. Statuses a target answered that the operation does not document are listed apart.
 */

/** The rules that cause each error code (what would have exercised a status cell that carries it). */
const CAUSED_BY: Record<string, RuleId[]> = {
  missing_api_key: ['auth.missing-key'],
  invalid_api_key: ['auth.malformed-key', 'auth.unknown-key', 'auth.unsupported-scheme'],
  expired_api_key: ['lifecycle.regenerate-old-key-refused', 'lifecycle.expiry'],
  revoked_api_key: ['lifecycle.revoke'],
  ambiguous_credentials: ['auth.ambiguous-credentials'],
  validation_failed: ['errors.validation-failed', 'input.invalid-refused'],
  insufficient_permissions: ['scopes.missing-scope', 'scopes.read-only-key'],
  account_inactive: ['accounts.inactive'],
  not_found: ['errors.unknown-resource', 'lifecycle.revoked-gone', 'isolation.environments'],
  payload_too_large: ['errors.payload-too-large'],
  unsupported_media_type: ['errors.unsupported-media-type'],
  idempotency_key_reused: ['idempotency.key-reused'],
  rate_limit_exceeded: ['rate-limit.burst-429'],
  quota_exceeded: ['quotas.exceeded'],
  authentication_throttled: ['throttle.failed-auth'],
};
const SCOPE_REFUSAL = 'insufficient_permissions';

export class Coverage {
  private readonly statuses = new Map<string, Map<number, number>>();
  private readonly forms = new Map<string, Set<string>>();
  private readonly scopes = new Map<string, Set<'granted' | 'missing'>>();

  constructor(private readonly contract: Contract) {}

  /** Notes one answer to `op`: presented in `form` (a security scheme), by a key holding `keyScopes` (when known). */
  record(op: Operation, reply: Reply, form: string | undefined, keyScopes: string[] | undefined): void {
    const seen = this.statuses.get(op.id) ?? new Map<number, number>();
    seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);
    this.statuses.set(op.id, seen);
    const success = reply.status >= 200 && reply.status < 300;
    if (success && form) this.add(this.forms, op.id, form);
    if (reply.problemCode === SCOPE_REFUSAL) this.add(this.scopes, op.id, 'missing');
    if (success && keyScopes && holdsJustEnough(keyScopes, op, this.contract.scopes)) this.add(this.scopes, op.id, 'granted');
  }

  /** The matrix, with a reason on every cell not exercised, given how each rule fared. */
  result(rules: RuleResult[], minimum?: number): CoverageResult {
    const byId = new Map(rules.map((r) => [r.id, r]));
    const cells: CoverageCell[] = [];
    const undocumented: CoverageResult['undocumented'] = [];
    for (const op of this.contract.operations) {
      const seen = this.statuses.get(op.id) ?? new Map<number, number>();
      for (const [status, response] of op.responses) {
        const causable = !/^5/.test(status);
        const exercised = [...seen.keys()].some((s) => matches(status, s));
        cells.push({
          operation: op.id, kind: 'status', value: status, exercised, causable,
          reason: exercised ? undefined : causable ? whyNotCaused(response.problemCodes, byId) : 'not causable from outside: no request can make a conforming server fail',
        });
      }
      for (const [status, count] of seen) {
        if (![...op.responses.keys()].some((s) => matches(s, status))) undocumented.push({ operation: op.id, status, count });
      }
      if (op.securitySchemes.length === 0) continue;
      for (const scheme of op.securitySchemes) {
        const exercised = this.forms.get(op.id)?.has(scheme) ?? false;
        cells.push({ operation: op.id, kind: 'credential-form', value: scheme, exercised, causable: true, reason: exercised ? undefined : whyNot(['auth.header-forms'], byId) });
      }
      const outcomes: Array<'granted' | 'missing'> = op.requiredScopes.length > 0 ? ['granted', 'missing'] : ['granted'];
      for (const outcome of outcomes) {
        const exercised = this.scopes.get(op.id)?.has(outcome) ?? false;
        const rulesFor: RuleId[] = outcome === 'granted' ? ['scopes.granted-scope'] : ['scopes.missing-scope', 'scopes.read-only-key'];
        cells.push({ operation: op.id, kind: 'scope', value: outcome, exercised, causable: true, reason: exercised ? undefined : whyNot(rulesFor, byId) });
      }
    }
    const causable = cells.filter((c) => c.causable).length;
    const exercised = cells.filter((c) => c.causable && c.exercised).length;
    return {
      cells,
      causable,
      exercised,
      percent: causable === 0 ? 100 : Math.floor((exercised / causable) * 1000) / 10,
      undocumented,
      minimum,
    };
  }

  private add<T>(map: Map<string, Set<T>>, op: string, value: T): void {
    const set = map.get(op) ?? new Set<T>();
    set.add(value);
    map.set(op, set);
  }
}

/** A key holding exactly what `op` needs (or, for an operation that needs nothing, not every scope). */
function holdsJustEnough(keyScopes: string[], op: Operation, all: string[]): boolean {
  if (op.requiredScopes.length === 0) return keyScopes.length < all.length;
  return keyScopes.length === op.requiredScopes.length && op.requiredScopes.every((x) => keyScopes.includes(x));
}

/** `404` matches 404; `4XX` any 4xx; `default` anything. */
function matches(documented: string, status: number): boolean {
  if (documented === 'default') return true;
  if (/^\dXX$/i.test(documented)) return String(status)[0] === documented[0];
  return Number(documented) === status;
}

function whyNotCaused(codes: string[], rules: Map<string, RuleResult>): string {
  const causes = [...new Set(codes.flatMap((code) => CAUSED_BY[code] ?? []))];
  return causes.length === 0 ? 'not reached in this run' : whyNot(causes, rules);
}

/** When every rule that would have caused it was skipped, their reasons; otherwise "not reached". */
function whyNot(causes: RuleId[], rules: Map<string, RuleResult>): string {
  const results = causes.map((id) => rules.get(id)).filter((r): r is RuleResult => r !== undefined);
  if (results.length > 0 && results.every((r) => r.status === 'skip')) {
    return [...new Set(results.flatMap((r) => r.skipReasons))].join('; ');
  }
  return 'not reached in this run';
}
