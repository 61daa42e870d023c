import type { RuleId } from '../rule-catalogue.ts';
import type { Operation } from '../spec/operations.ts';
import type { Reply } from './reply.ts';
import type { Scenario } from './scenario.ts';

/** Checks that a reply is the problem `code` with the status the spec gives that code. */
export function expectProblem(s: Scenario, rule: RuleId, reply: Reply, code: string, context: string): boolean {
  const problem = s.session.contract.problem(code);
  return s.check(rule, reply.status === problem.status && reply.problemCode === code,
    `${context}: expected ${problem.status} ${code}, got ${reply.summary}`, reply);
}

/** Checks that a reply is the operation's documented success. */
export function expectSuccess(s: Scenario, rule: RuleId, reply: Reply, op: Operation, context: string): boolean {
  return s.check(rule, reply.status === op.successStatus, `${context}: expected ${op.successStatus}, got ${reply.summary}`, reply);
}

export function requireSuccess(s: Scenario, rule: RuleId, reply: Reply, op: Operation, context: string): void {
  s.require(rule, reply.status === op.successStatus, `${context}: expected ${op.successStatus}, got ${reply.summary}`, reply);
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses a WWW-Authenticate value into its challenges (RFC 9110 §11.6.1). */
export function parseChallenges(header: string): Challenge[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      items.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') items.push(current.trim());
  const challenges: Challenge[] = [];
  for (const item of items) {
    const opening = /^([A-Za-z][\w.!#$%&'*+^`|~-]*)(?:\s+([\w-]+)\s*=\s*(.*))?$/.exec(item);
    const param = /^([\w-]+)\s*=\s*(.*)$/.exec(item);
    if (opening && (opening[2] !== undefined || !param)) {
      const challenge: Challenge = { scheme: opening[1], params: {} };
      if (opening[2] !== undefined) challenge.params[opening[2].toLowerCase()] = unquote(opening[3]);
      challenges.push(challenge);
    } else if (param && challenges.length > 0) {
      challenges[challenges.length - 1].params[param[1].toLowerCase()] = unquote(param[2]);
    }
  }
  return challenges;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replace(/\\(.)/g, '$1') : trimmed;
}

/**
 * A 401 must challenge every `Authorization` scheme the spec declares; per RFC 6750 each
 * challenge carries `error="invalid_token"` when a credential was sent, and no error when none was.
 */
export function checkChallenge(s: Scenario, reply: Reply, credentialSent: boolean, context: string): void {
  // A stateless mock only sees whether a credential header is there, not whether it is valid.
  if (reply.status !== 401 || (credentialSent && s.session.stateless)) return;
  const contract = s.session.contract;
  const header = reply.header(contract.headers.wwwAuthenticate);
  if (!s.check('auth.www-authenticate', header !== undefined, `${context}: the 401 has no ${contract.headers.wwwAuthenticate}`, reply)) return;
  const challenges = parseChallenges(header!);
  const expected = [...new Set(contract.credentialForms.filter((f) => f.authScheme).map((f) => f.authScheme!))];
  const problems: string[] = [];
  for (const scheme of expected) {
    const challenge = challenges.find((c) => c.scheme.toLowerCase() === scheme.toLowerCase());
    if (!challenge) {
      problems.push(`no ${scheme} challenge`);
      continue;
    }
    if (credentialSent && challenge.params.error !== 'invalid_token') problems.push(`the ${scheme} challenge lacks error="invalid_token" although a credential was sent`);
    if (!credentialSent && challenge.params.error !== undefined) problems.push(`the ${scheme} challenge has error="${challenge.params.error}" although no credential was sent`);
  }
  s.check('auth.www-authenticate', problems.length === 0, `${context}: ${contract.headers.wwwAuthenticate}: ${JSON.stringify(header)}: ${problems.join('; ')}`, reply);
}
