// Finds the one credential a request carries (spec "Authentication"; brief "Credential parsing").
// It reads the raw header list because Node keeps only the first `Authorization` and joins
// repeated `X-API-Key`s: a repeated header must be seen to be refused as ambiguous.

/** The three ways to send a key; each matches one security scheme of the spec. */
export type CredentialForm = 'authorization-apikey' | 'authorization-bearer' | 'x-api-key';

export type Credential =
  /** No `Authorization` and no `X-API-Key` header. */
  | { readonly kind: 'none' }
  /** Both headers, or one of them more than once. */
  | { readonly kind: 'ambiguous' }
  /**
   * One credential header. `key` is the candidate key, or `null` when the header cannot carry
   * one (unknown scheme, no space, empty value): that is still a presented, invalid credential.
   */
  | { readonly kind: 'presented'; readonly form: CredentialForm | null; readonly key: string | null };

const NONE: Credential = Object.freeze({ kind: 'none' });
const AMBIGUOUS: Credential = Object.freeze({ kind: 'ambiguous' });
const UNUSABLE: Credential = Object.freeze({ kind: 'presented', form: null, key: null });

/** Both accepted `Authorization` schemes are six letters long, followed by exactly one space. */
const SCHEME_LENGTH = 6;

export function extractCredential(rawHeaders: readonly string[]): Credential {
  let authorization: string | undefined;
  let apiKeyHeader: string | undefined;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // Length first: almost every header is ruled out without lower-casing it.
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      authorization = rawHeaders[i + 1];
      count++;
    } else if (name.length === 9 && name.toLowerCase() === 'x-api-key') {
      apiKeyHeader = rawHeaders[i + 1];
      count++;
    }
  }
  if (count === 0) return NONE;
  if (count > 1) return AMBIGUOUS;
  if (apiKeyHeader !== undefined) {
    // Node's HTTP parser has already removed the blanks HTTP allows around a value (RFC 9110
    // §5.5). Nothing else is trimmed: String.prototype.trim would also strip U+00A0 (what a
    // byte 0xA0 becomes in a header), and a key wrapped in stray bytes would be accepted.
    return apiKeyHeader.length === 0 ? UNUSABLE : { kind: 'presented', form: 'x-api-key', key: apiKeyHeader };
  }
  return parseAuthorization(authorization as string);
}

function parseAuthorization(value: string): Credential {
  if (value.length <= SCHEME_LENGTH + 1 || value.charCodeAt(SCHEME_LENGTH) !== 0x20) return UNUSABLE;
  const scheme = value.slice(0, SCHEME_LENGTH).toLowerCase();
  const form: CredentialForm | null =
    scheme === 'apikey' ? 'authorization-apikey' : scheme === 'bearer' ? 'authorization-bearer' : null;
  if (form === null) return UNUSABLE;
  // The key is everything after the one space; a second space makes it malformed, which the
  // key format check then refuses.
  return { kind: 'presented', form, key: value.slice(SCHEME_LENGTH + 1) };
}
