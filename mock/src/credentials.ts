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
   * One credential header: a presented credential, valid or not. `form` is null when the header
   * names no accepted scheme; `key` is what follows the scheme word and its space (or the whole
   * `X-API-Key` value), possibly empty, and null when no space follows a scheme word. Nothing is
   * judged twice: the pipeline refuses a null form (no operation accepts one) and the key format
   * check refuses anything that is not a key (empty, a second space, …), as `invalid_api_key`.
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
    return { kind: 'presented', form: 'x-api-key', key: apiKeyHeader };
  }
  return parseAuthorization(authorization as string);
}

function parseAuthorization(value: string): Credential {
  // A value too short to hold the scheme word and its space has no space there either (NaN).
  if (value.charCodeAt(SCHEME_LENGTH) !== 0x20) return UNUSABLE;
  const scheme = value.slice(0, SCHEME_LENGTH).toLowerCase();
  const form: CredentialForm | null =
    scheme === 'apikey' ? 'authorization-apikey' : scheme === 'bearer' ? 'authorization-bearer' : null;
  // The key is everything after the one space; nothing, or a second space, makes it malformed,
  // which the key format check then refuses.
  return { kind: 'presented', form, key: value.slice(SCHEME_LENGTH + 1) };
}
