import { loadContract } from '../../src/spec.ts';

// Values the tests compare answers with, read from the bundled spec instead of restated.

const { document } = loadContract();
const schemas = document.components.schemas;

/** How many leading characters of a key are public: the spec's KeyPrefix. */
export const PUBLIC_PREFIX_LENGTH: number = schemas.KeyPrefix.maxLength;

/** What lists, pings and logs may show of a key. */
export const publicPrefix = (key: string): string => key.slice(0, PUBLIC_PREFIX_LENGTH);

/** The part of a key that must never appear again once it has been shown. */
export const secretPart = (key: string): string => key.slice(PUBLIC_PREFIX_LENGTH);

/** A whole key anywhere in a text: the spec's SecretKey pattern, unanchored. */
export const WHOLE_KEY = new RegExp(String(schemas.SecretKey.pattern).replace(/^\^|\$$/g, ''));

/** An X-Request-Id: the spec's RequestId pattern. */
export const REQUEST_ID = new RegExp(schemas.RequestId.pattern);

/** The length of every rate-limit window, per key and per address: RateLimitStatus.window_seconds. */
export const WINDOW_SECONDS: number = schemas.RateLimitStatus.properties.window_seconds.const;

/** The challenge of a 401 when no key was presented: the spec's WWW-Authenticate example. */
export const NO_KEY_CHALLENGE: string = document.components.headers.WWWAuthenticate.example;

/** When a key was presented, each challenge adds `error="invalid_token"` (the header's description). */
export const INVALID_TOKEN_CHALLENGE = NO_KEY_CHALLENGE.split(', ')
  .map((challenge) => `${challenge}, error="invalid_token"`)
  .join(', ');
