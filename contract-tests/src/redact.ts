/**
 * Keeps secrets out of every report and log line. Two nets: every secret the suite knows (the
 * configured keys, whatever their length or format, and every key it created or saw issued) is
 * replaced wherever it appears, and anything shaped like a Herald key longer than its public prefix
 * is cut to that prefix — which also covers the near-copies of real keys the suite sends on
 * purpose (a key with one character changed, a truncated key). A Herald key keeps its public
 * 16-character prefix (what listings show anyway); any other secret is masked whole.
 */
const PUBLIC_PREFIX_LENGTH = 16;
const KEY_SHAPED = /hk_[a-z]{2,8}_[^\s"'<>&,;\\)]{9,}/gi;
const HERALD_SHAPED = /^hk_[a-z]{2,8}_/i;
export const REDACTED = '…[REDACTED]';
const WHOLE = '[REDACTED]';
/** Secrets this short are replaced only where they stand alone, not inside other words. */
const SHORT = 8;

export class Redactor {
  private readonly secrets = new Set<string>();
  private shortPattern: RegExp | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string | undefined): void {
    const value = secret?.trim();
    if (!value || this.secrets.has(value)) return;
    this.secrets.add(value);
    if (value.length < SHORT) this.shortPattern = undefined;
  }

  known(): string[] {
    return [...this.secrets];
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (secret.length >= SHORT && out.includes(secret)) out = out.split(secret).join(maskOf(secret));
    }
    const short = this.short();
    if (short) out = out.replace(short, (_match, before: string) => `${before}${WHOLE}`);
    return out.replace(KEY_SHAPED, (match) => (match.endsWith(REDACTED) ? match : maskOf(match)));
  }

  /** Redacts every string inside a JSON-like value. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return value;
  }

  private short(): RegExp | undefined {
    const shorts = [...this.secrets].filter((s) => s.length < SHORT);
    if (shorts.length === 0) return undefined;
    if (!this.shortPattern) {
      const alternatives = shorts.sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
      this.shortPattern = new RegExp(`(^|[^0-9A-Za-z_])(?:${alternatives})(?![0-9A-Za-z_])`, 'g');
    }
    this.shortPattern.lastIndex = 0;
    return this.shortPattern;
  }
}

function maskOf(secret: string): string {
  if (!HERALD_SHAPED.test(secret)) return WHOLE;
  return `${secret.slice(0, Math.min(PUBLIC_PREFIX_LENGTH, Math.max(0, secret.length - 8)))}${REDACTED}`;
}

/** A redactor with only the shape-based net, for text produced outside a run's knowledge. */
export const shapeRedactor = new Redactor();
