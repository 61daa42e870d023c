/**
 * Keeps secrets out of every report and log line. Two nets: every secret the suite knows (the
 * configured keys and every key it creates) is replaced wherever it appears, and anything shaped
 * like a Herald key longer than its public prefix is cut to that prefix — which also covers the
 * near-copies of real keys the suite sends on purpose (a key with one character changed, a
 * truncated key).
 */
const PUBLIC_PREFIX_LENGTH = 16;
const KEY_SHAPED = /hk_[a-z]{2,8}_[^\s"'<>&,;\\)]{9,}/gi;
export const REDACTED = '…[REDACTED]';

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string | undefined): void {
    // Very short values are not secrets worth the false positives (and would redact everything).
    if (secret && secret.trim().length >= 12) this.secrets.add(secret.trim());
  }

  known(): string[] {
    return [...this.secrets];
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(maskOf(secret));
    }
    return out.replace(KEY_SHAPED, (match) => (match.endsWith(REDACTED) ? match : maskOf(match)));
  }

  /** Redacts every string inside a JSON-like value. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return value;
  }
}

function maskOf(secret: string): string {
  return `${secret.slice(0, Math.min(PUBLIC_PREFIX_LENGTH, Math.max(0, secret.length - 8)))}${REDACTED}`;
}

/** A redactor with only the shape-based net, for text produced outside a run's knowledge. */
export const shapeRedactor = new Redactor();
