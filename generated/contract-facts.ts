// This file is written by `npm run generate` from the spec in openapi/. Never edit it by hand.
// Facts of the contract that code needs at run time, where the generated types cannot reach.

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
