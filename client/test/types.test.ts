// What the compiler checks for an application (`npm run typecheck` compiles this file; the
// runtime part only keeps vitest from calling it empty): results keep openapi-fetch's shape,
// `error` is a HeraldApiError that also has the operation's problem members, paginate yields the
// operation's items, and what the spec does not allow does not compile.
import { describe, expect, it } from 'vitest';
import type { components } from '../../generated/types/openapi.js';
import { createHeraldClient, type ErrorCode, type HeraldApiError, type PageItem } from '../index.ts';
import { createHeraldSdkClient, type HeraldSdkClient } from '../sdk.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ApiKey = components['schemas']['ApiKey'];

async function compileOnly() {
  const herald = createHeraldClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'hk_test_x', scheme: 'Bearer' });

  const { data, error } = await herald.GET('/api-keys/{key_id}', { params: { path: { key_id: 'key_x' } } });
  if (error) {
    const asError: HeraldApiError = error;
    const narrowed: 'missing_api_key' | 'invalid_api_key' | 'expired_api_key' | 'revoked_api_key' | 'validation_failed' | 'insufficient_permissions' | 'account_inactive' | 'not_found' | 'ambiguous_credentials' | 'rate_limit_exceeded' | 'authentication_throttled' | 'internal_error' = error.code;
    const wide: ErrorCode = error.code;
    const requestId: string | undefined = error.requestId;
    const bodyMember: string = error.request_id;
    // @ts-expect-error: the code is the spec's enum, not any
    const notAny: number = error.code;
    void [asError, narrowed, wide, requestId, bodyMember, notAny];
  } else {
    const key: ApiKey = data.data;
    // @ts-expect-error: data is the operation's body, not any
    const notAny: number = data.data;
    void [key, notAny];
  }

  const created = await herald.POST('/api-keys', { body: { name: 'x' } });
  if (created.error?.code === 'validation_failed') {
    const issues = created.error.errors;
    void issues;
  }

  const item: Same<PageItem<'/api-keys'>, ApiKey> = true;
  for await (const key of herald.paginate('/api-keys', { limit: 10 })) {
    const typed: ApiKey = key;
    void typed;
  }
  // @ts-expect-error: the cursor is the iterator's to move
  herald.paginate('/api-keys', { cursor: 'abc' });
  // @ts-expect-error: only cursor-paginated operations can be paged through
  herald.paginate('/usage');
  // @ts-expect-error: a path the spec does not have
  await herald.GET('/no-such-path');
  // @ts-expect-error: creating a key needs a body
  await herald.POST('/api-keys', {});

  const sdk: HeraldSdkClient = createHeraldSdkClient({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'hk_test_x', scheme: 'X-API-Key', maxRetries: 0, timeoutMs: 1000 });
  for await (const key of sdk.paginate('/api-keys')) {
    const typed: ApiKey = key;
    void typed;
  }
  return item;
}

describe('types', () => {
  it('compile (checked by npm run typecheck)', () => {
    expect(typeof compileOnly).toBe('function');
  });
});
