// How each of the three accepted forms of the secret key becomes one request header, read from
// the spec's security schemes (passed in by the caller) so that this module restates nothing the
// spec says: the header names, and the word before the key in the `ApiKey` form, which the spec
// names in `x-herald-authorization-scheme` (OpenAPI has no field for it on an apiKey scheme).

/** The three ways to send the key, as a developer names them. */
export const AUTH_SCHEMES = ['ApiKey', 'Bearer', 'X-API-Key'] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];

/** The spec's security scheme (under `components.securitySchemes`) behind each form. */
export const SECURITY_SCHEME_NAMES: Readonly<Record<AuthScheme, string>> = {
  ApiKey: 'AuthorizationApiKey',
  Bearer: 'AuthorizationBearer',
  'X-API-Key': 'XApiKey',
};

/** The subset of an OpenAPI security scheme object this module reads. */
export interface SecuritySchemeObject {
  type: string;
  in?: string;
  name?: string;
  scheme?: string;
  /** The word before the key in an apiKey `Authorization` header. */
  'x-herald-authorization-scheme'?: string;
}

export type SecuritySchemes = Readonly<Record<string, SecuritySchemeObject>>;

export interface CredentialHeader {
  name: string;
  value: string;
}

/**
 * The header that carries `apiKey` in the given form. Throws if the spec does not declare the
 * security scheme behind that form the way this client expects, so that a spec change cannot
 * silently turn into a client that sends the wrong header.
 */
export function credentialHeader(schemes: SecuritySchemes, form: AuthScheme, apiKey: string): CredentialHeader {
  const schemeName = SECURITY_SCHEME_NAMES[form];
  const scheme = schemes[schemeName];
  if (!scheme) throw new Error(`The spec declares no security scheme ${schemeName} (for ${form})`);
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') {
    // RFC 6750: a bearer token travels in `Authorization` after the `Bearer` scheme name.
    return { name: 'Authorization', value: `Bearer ${apiKey}` };
  }
  if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name) {
    if (scheme.name.toLowerCase() !== 'authorization') return { name: scheme.name, value: apiKey };
    const word = scheme['x-herald-authorization-scheme'];
    if (!word) throw new Error(`Security scheme ${schemeName} does not say which word precedes the key (x-herald-authorization-scheme)`);
    return { name: scheme.name, value: `${word} ${apiKey}` };
  }
  throw new Error(`Security scheme ${schemeName} is neither http bearer nor an apiKey header`);
}

/** Every header name any of the three forms uses: at most one of them may be on a request. */
export function credentialHeaderNames(schemes: SecuritySchemes): string[] {
  const names = AUTH_SCHEMES.map((form) => credentialHeader(schemes, form, 'x').name.toLowerCase());
  return [...new Set(names)];
}
