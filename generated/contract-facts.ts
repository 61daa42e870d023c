// This file is written by `npm run generate` from the spec in openapi/. Never edit it by hand.
// Facts of the contract that code needs at run time, where the generated types cannot reach.

/** `info.version`: the version of the contract (and of the packages built from it). */
export const specVersion = "1.1.0" as const;

/** `components.securitySchemes`: how each accepted form carries the key. */
export const securitySchemes = {
  "AuthorizationApiKey": {
    "type": "apiKey",
    "in": "header",
    "name": "Authorization",
    "x-herald-authorization-scheme": "ApiKey"
  },
  "AuthorizationBearer": {
    "type": "http",
    "scheme": "bearer"
  },
  "XApiKey": {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-Key"
  }
} as const;

/** The closed list of problem codes: the enum of the discriminator of every `application/problem+json` body, in the
 * spec's order; `member` is the property that carries the code. */
export const problemCodes = {
  "member": "code",
  "codes": [
    "missing_api_key",
    "invalid_api_key",
    "expired_api_key",
    "revoked_api_key",
    "ambiguous_credentials",
    "validation_failed",
    "insufficient_permissions",
    "account_inactive",
    "not_found",
    "method_not_allowed",
    "payload_too_large",
    "unsupported_media_type",
    "idempotency_key_reused",
    "rate_limit_exceeded",
    "quota_exceeded",
    "authentication_throttled",
    "internal_error",
    "invalid_report_signature"
  ]
} as const;

/** The problem whose body lists validation issues, and the member that holds them. */
export const validationIssues = {
  "code": "validation_failed",
  "member": "errors"
} as const;

/** The header that makes a retry safe, and the operations (`METHOD /path`) that take it. */
export const idempotencyKey = {
  "header": "Idempotency-Key",
  "operations": [
    "POST /api-keys",
    "POST /api-keys/{key_id}/regenerate",
    "POST /notifications",
    "POST /webhook-endpoints"
  ]
} as const;

/** Cursor-paginated operations by path (all `GET`): the query parameter that takes the cursor, the member of the
 * page with the next one (`null` on the last page), and the member with the items. */
export const paginatedOperations = {
  "/api-keys": {
    "cursor": "cursor",
    "nextCursor": "next_cursor",
    "items": "data"
  },
  "/webhook-endpoints": {
    "cursor": "cursor",
    "nextCursor": "next_cursor",
    "items": "data"
  }
} as const;

/** Response headers, under the names the spec's responses send them. */
export const responseHeaders = {
  "requestId": "X-Request-Id",
  "retryAfter": "Retry-After",
  "rateLimitPolicy": "RateLimit-Policy",
  "rateLimit": "RateLimit",
  "rateLimitLimit": "X-RateLimit-Limit",
  "rateLimitRemaining": "X-RateLimit-Remaining",
  "rateLimitReset": "X-RateLimit-Reset"
} as const;
