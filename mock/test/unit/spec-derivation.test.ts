import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_FIXTURE_PATH, readFixture } from '../../src/fixture.ts';
import { keyFormatFault } from '../../src/key-format.ts';
import { SERVER_PROBLEM_CODES } from '../../src/problems.ts';
import { deriveContract, DEFAULT_SPEC_PATH, loadContract, resolveRef } from '../../src/spec.ts';
import { DEMO_KEY_NAMES } from '../../src/testing.ts';
import { checkEventTypes } from '../../src/webhooks.ts';

const document = JSON.parse(readFileSync(DEFAULT_SPEC_PATH, 'utf8'));
const contract = loadContract();

describe('what the server derives from the spec', () => {
  it('serves every operation of the spec under the servers’ base path', () => {
    const expected: string[] = [];
    for (const [path, item] of Object.entries<Record<string, { operationId?: string }>>(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (operation?.operationId) expected.push(`${method.toUpperCase()} ${new URL(document.servers[0].url).pathname}${path}`);
      }
    }
    expect(contract.operations.map((o) => `${o.method} ${o.servedPath}`).sort()).toEqual(expected.sort());
  });

  it('takes each operation’s scopes from its security requirement, per credential form', () => {
    const schemeOfForm = (form: string) =>
      Object.entries<{ type: string; scheme?: string; name?: string }>(document.components.securitySchemes).find(([, scheme]) =>
        form === 'authorization-bearer'
          ? scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer'
          : scheme.type === 'apiKey' && scheme.name?.toLowerCase() === (form === 'x-api-key' ? 'x-api-key' : 'authorization'),
      )![0];
    for (const operation of contract.operations) {
      const raw = resolveRef(document, document.paths[operation.pathTemplate])[operation.method.toLowerCase()];
      const security: Record<string, string[]>[] = raw.security ?? document.security;
      if (security.length === 0) {
        // The signed leaked-key report takes no key: the server knows it takes none.
        expect(operation.scopesByForm, operation.operationId).toBeNull();
        continue;
      }
      expect(operation.scopesByForm?.size, operation.operationId).toBe(3);
      for (const [form, alternatives] of operation.scopesByForm ?? []) {
        const scheme = schemeOfForm(form);
        expect(alternatives, `${operation.operationId} ${form}`).toEqual(security.filter((r) => scheme in r).map((r) => r[scheme]));
      }
    }
  });

  it('takes problem type, title and status from each *Problem schema', () => {
    for (const [name, schema] of Object.entries<{ allOf?: { properties?: Record<string, { const?: unknown }> }[] }>(document.components.schemas)) {
      if (!name.endsWith('Problem')) continue;
      const consts = Object.assign({}, ...(schema.allOf ?? []).map((p) => Object.fromEntries(Object.entries(p.properties ?? {}).map(([k, v]) => [k, v.const]))));
      if (consts.code === undefined) continue; // the generic Problem schema
      expect(contract.problems.get(consts.code)).toEqual({ code: consts.code, type: consts.type, title: consts.title, status: consts.status });
    }
    for (const code of SERVER_PROBLEM_CODES) expect(contract.problems.has(code), code).toBe(true);
    expect(document.components.schemas.ErrorCode.enum.sort()).toEqual([...SERVER_PROBLEM_CODES].sort());
  });

  it('takes plan limits from the Plan variants', () => {
    for (const ref of document.components.schemas.Plan.oneOf) {
      const p = resolveRef(document, ref).properties;
      expect(contract.plans.get(p.name.const)).toEqual({
        name: p.name.const,
        requestsPerMinute: p.requests_per_minute.const,
        monthlyNotificationQuota: p.monthly_notification_quota.const,
        countedChannels: p.counted_channels.const,
      });
    }
  });

  it('follows the spec when it changes', () => {
    const changed = structuredClone(document);
    changed.servers = [{ url: 'https://example.com/v9' }];
    const free = resolveRef(changed, { $ref: '#/components/schemas/FreePlan' });
    free.properties.requests_per_minute.const = 7;
    changed.paths['/ping'].get.security = [{ XApiKey: ['usage:read'] }];
    const derived = deriveContract(changed);
    expect(derived.basePath).toBe('/v9');
    expect(derived.plans.get('free')?.requestsPerMinute).toBe(7);
    const ping = derived.operations.find((o) => o.operationId === 'ping')!;
    expect([...(ping.scopesByForm ?? new Map())]).toEqual([['x-api-key', [['usage:read']]]]);
  });

  it('bounds validation issues by the ValidationFailedProblem and ValidationIssue schemas', () => {
    const changed = structuredClone(document);
    const errors = changed.components.schemas.ValidationFailedProblem.allOf.find((p: { properties?: { errors?: unknown } }) => p.properties?.errors).properties.errors;
    errors.maxItems = 3;
    changed.components.schemas.ValidationIssue.properties.message.maxLength = 40;
    expect(deriveContract(changed).validationIssueLimits).toEqual({ maxIssues: 3, maxText: 40 });
    delete errors.maxItems;
    expect(() => deriveContract(changed)).toThrow(/maxItems/);
  });

  it('refuses a spec whose servers disagree on the base path', () => {
    const changed = structuredClone(document);
    changed.servers = [{ url: 'https://a.example/v1' }, { url: 'https://b.example/v2' }];
    expect(() => deriveContract(changed)).toThrow(/base path/);
  });
});

describe('the demo fixture', () => {
  it('holds well-formed keys for every role the conformance suite reads', () => {
    const fixture = readFixture(DEMO_FIXTURE_PATH);
    const keys = fixture.accounts.flatMap((a) => a.environments.flatMap((e) => e.keys.map((k) => ({ ...k, account: a, environment: e }))));
    for (const key of keys) expect(keyFormatFault(key.secret), key.id).toBeNull();
    const byRole = new Map(keys.map((k) => [k.env_var, k]));
    for (const name of DEMO_KEY_NAMES) expect(byRole.has(name), name).toBe(true);
    const main = byRole.get('HERALD_API_KEY')!;
    const other = byRole.get('HERALD_OTHER_ENV_API_KEY')!;
    expect(main.account).toBe(other.account);
    expect(main.environment.type).toBe('development');
    expect(other.environment.type).toBe('production');
    expect(main.scopes.sort()).toEqual([...contract.scopes].sort());
    expect(byRole.get('HERALD_READ_ONLY_API_KEY')!.scopes.sort()).toEqual(['keys:read', 'usage:read']);
    expect(byRole.get('HERALD_INACTIVE_ACCOUNT_API_KEY')!.account.active).toBe(false);
    const nearQuota = byRole.get('HERALD_NEAR_QUOTA_API_KEY')!.account;
    const plan = contract.plans.get(nearQuota.plan)!;
    const used = plan.countedChannels.reduce((sum, c) => sum + (nearQuota.usage_this_period?.[c as 'email' | 'webhook'] ?? 0), 0);
    expect(plan.monthlyNotificationQuota - used).toBeGreaterThan(0);
    expect(plan.monthlyNotificationQuota - used).toBeLessThanOrEqual(5);
  });
});

describe('what the server checks against the spec at start-up', () => {
  it('sends exactly the webhook events the spec names, and refuses to start otherwise', () => {
    expect(() => checkEventTypes(contract)).not.toThrow();
    const fewer = structuredClone(document);
    fewer.components.schemas.WebhookEventType.enum = fewer.components.schemas.WebhookEventType.enum.slice(1);
    expect(() => checkEventTypes(deriveContract(fewer))).toThrow(/not in the spec \["api_key.created"\]/);
    const more = structuredClone(document);
    more.components.schemas.WebhookEventType.enum.push('api_key.renamed');
    expect(() => checkEventTypes(deriveContract(more))).toThrow(/not sent \["api_key.renamed"\]/);
  });
});
