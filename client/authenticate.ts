// How both clients put the key on a request: checked once when the client is made, set on every
// request in the one header its form names (header names from the spec's security schemes, via
// generated/contract-facts.ts), and never beside a credential header the caller set.
import { securitySchemes } from '../generated/contract-facts.ts';
import { AUTH_SCHEMES, credentialHeader, credentialHeaderNames, type AuthScheme, type CredentialHeader, type SecuritySchemes } from './credentials.ts';

/** Every header name a credential can travel in, lower-cased. */
export const CREDENTIAL_HEADERS = credentialHeaderNames(securitySchemes as SecuritySchemes);

/** The key, or a TypeError that says what is wrong with the options without echoing the key. */
export function checkedKey(options: { apiKey: string | undefined; scheme: AuthScheme }, caller: string): string {
  if (!options.apiKey) throw new TypeError(`${caller}: apiKey is empty (is HERALD_API_KEY set?)`);
  if (!AUTH_SCHEMES.includes(options.scheme)) throw new TypeError(`${caller}: scheme must be one of ${AUTH_SCHEMES.join(', ')}`);
  return options.apiKey;
}

export function credentialFor(scheme: AuthScheme, apiKey: string): CredentialHeader {
  return credentialHeader(securitySchemes as SecuritySchemes, scheme, apiKey);
}

/**
 * Sets the credential header. A request that already carries one (set by the caller for one
 * call) is refused rather than sent: the server would answer `ambiguous_credentials`, and the
 * message here says which header to drop. The key itself never appears in an error.
 */
export function setCredential(request: Request, credential: CredentialHeader): void {
  const present = CREDENTIAL_HEADERS.filter((name) => request.headers.has(name));
  if (present.length) throw new TypeError(`The Herald client sends the key itself; remove the ${present.join(' and ')} header from this call`);
  request.headers.set(credential.name, credential.value);
}
