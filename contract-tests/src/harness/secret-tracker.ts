import type { KeyFormat } from '../spec/contract.ts';
import type { Redactor } from '../redact.ts';
import type { Reply } from './reply.ts';
import type { Scenario } from './scenario.ts';

/**
 * Knows every secret of the run — the configured keys and each key a response issued — and
 * checks that none shows up where it should not: a secret may appear in the response that issued
 * it and in an idempotent replay of that response, nowhere else.
 */
export class SecretTracker {
  private readonly issued = new Set<string>();

  constructor(private readonly redactor: Redactor, private readonly format: KeyFormat, configured: Array<string | undefined>) {
    for (const key of configured) if (key) this.issued.add(key);
  }

  /** Registers a secret the suite got some other way (never shown, but redacted and watched). */
  remember(secret: string): void {
    this.issued.add(secret);
    this.redactor.add(secret);
  }

  checkResponse(s: Scenario, reply: Reply, everything: string): void {
    const replayed = reply.header(s.session.contract.headers.idempotentReplayed) === 'true';
    const reshown = [...this.issued].filter((secret) => everything.includes(secret));
    const fresh = this.secretsIn(reply.json).filter((secret) => !this.issued.has(secret));
    for (const secret of fresh) this.remember(secret);
    if (!replayed) {
      s.check('secrets.shown-once', reshown.length === 0,
        `${reply.label} → ${reply.summary} shows ${reshown.length} secret(s) that an earlier response issued or the suite was configured with`, reply);
    }
  }

  private secretsIn(value: unknown, property?: string): string[] {
    // A key by its format; any other secret a response issues by its name (a webhook endpoint's
    // `secret`, whsec_…): both are shown once and redacted everywhere after.
    if (typeof value === 'string') return this.format.pattern.test(value) || (property === 'secret' && value.length >= 16) ? [value] : [];
    if (Array.isArray(value)) return value.flatMap((v) => this.secretsIn(v));
    if (value && typeof value === 'object') return Object.entries(value).flatMap(([name, v]) => this.secretsIn(v, name));
    return [];
  }

  /** Every secret the suite knows (configured, issued, seen): what no event may carry. */
  all(): string[] {
    return [...this.issued];
  }
}
