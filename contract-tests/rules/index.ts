import authRules from './10-auth.rules.ts';
import lifecycleRules from './20-lifecycle.rules.ts';
import webhookRules from './85-webhooks.rules.ts';
import leakedKeyRules from './26-leaked-keys.rules.ts';
import scopeAndAccountRules from './30-scopes-accounts.rules.ts';
import rateLimitRules from './40-rate-limits.rules.ts';
import quotaRules from './50-quotas.rules.ts';
import idempotencyRules from './60-idempotency.rules.ts';
import requestErrorRules from './70-request-errors.rules.ts';
import inputRules from './80-input.rules.ts';
import throttleRules from './90-throttle.rules.ts';
import cleanupRules from './99-cleanup.rules.ts';

/**
 * The rule files in the order they run: the target's clock is shared, so time-travelling rules
 * come after the ones that don't care, the throttle check (which locks out an address) near the
 * end, and cleanup last.
 */
export const RULE_FILES: ReadonlyArray<{ file: string; declare: () => void }> = [
  { file: 'rules/10-auth.rules.ts', declare: authRules },
  { file: 'rules/20-lifecycle.rules.ts', declare: lifecycleRules },
  { file: 'rules/26-leaked-keys.rules.ts', declare: leakedKeyRules },
  { file: 'rules/30-scopes-accounts.rules.ts', declare: scopeAndAccountRules },
  { file: 'rules/40-rate-limits.rules.ts', declare: rateLimitRules },
  { file: 'rules/50-quotas.rules.ts', declare: quotaRules },
  { file: 'rules/60-idempotency.rules.ts', declare: idempotencyRules },
  { file: 'rules/70-request-errors.rules.ts', declare: requestErrorRules },
  { file: 'rules/80-input.rules.ts', declare: inputRules },
  { file: 'rules/85-webhooks.rules.ts', declare: webhookRules },
  { file: 'rules/90-throttle.rules.ts', declare: throttleRules },
  { file: 'rules/99-cleanup.rules.ts', declare: cleanupRules },
];
