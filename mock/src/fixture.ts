import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { displayPrefix, keyFormatFault, keyMode } from './key-format.ts';
import type { KeyHasher } from './key-hashing.ts';
import { quotaPeriod } from './quota.ts';
import { keyModeOfEnvironment } from './representations.ts';
import type { SchemaCompiler } from './schema-compiler.ts';
import { scopesInSpecOrder, type Contract } from './spec.ts';
import type { ReporterPublicKey } from './reporter-keys.ts';
import type { EnvironmentRecord, Store } from './store.ts';

// The seed data of a reference server (mock/fixtures/demo.json by default): accounts on plans,
// their environments and keys. Demo secrets are in plaintext in the file (a local mock's public
// demo keys) and are hashed as they are loaded; the store never sees them. Values that have a
// schema in the spec (ids, names, scopes, plan names) are checked against it.

export const DEMO_FIXTURE_PATH = fileURLToPath(new URL('../fixtures/demo.json', import.meta.url));

export interface FixtureKey {
  id: string;
  name: string;
  secret: string;
  scopes: string[];
  expires_at?: string;
  /** The variable `--env-out` writes this key under (HERALD_API_KEY, …), if any. */
  env_var?: string;
}

export interface FixtureEnvironment {
  id: string;
  name: string;
  type: EnvironmentRecord['type'];
  application_identifier: string;
  region: string;
  keys: FixtureKey[];
}

export interface FixtureAccount {
  name: string;
  plan: string;
  active: boolean;
  /** Notifications already sent in the calendar month the server starts in. */
  usage_this_period?: { email: number; webhook: number };
  environments: FixtureEnvironment[];
}

export interface Fixture {
  accounts: FixtureAccount[];
  /** Reporter keys trusted for leaked-key reports, in the format GitHub publishes its keys in. */
  reporter_public_keys?: ReporterPublicKey[];
}

/** A seeded key, as `npm start` prints it and `--env-out` writes it. */
export interface SeededKey {
  readonly envVar: string | null;
  readonly secret: string;
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly accountName: string;
  readonly plan: string;
  readonly accountActive: boolean;
  readonly environmentId: string;
  readonly environmentName: string;
  readonly applicationIdentifier: string;
}

export function readFixture(path: string = DEMO_FIXTURE_PATH): Fixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FixtureError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text) as Fixture;
  } catch (error) {
    throw new FixtureError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

export function seedStore(
  store: Store,
  hasher: KeyHasher,
  fixture: Fixture,
  contract: Contract,
  compiler: SchemaCompiler,
  now: number,
): SeededKey[] {
  const check = schemaChecker(compiler);
  const seeded: SeededKey[] = [];
  if (!Array.isArray(fixture?.accounts)) throw new FixtureError('the fixture needs an "accounts" array');
  fixture.accounts.forEach((account, accountIndex) => {
    const where = `accounts[${accountIndex}]`;
    if (!contract.plans.has(account.plan)) {
      throw new FixtureError(`${where}.plan "${account.plan}" is none of the spec's plans (${[...contract.plans.keys()].join(', ')})`);
    }
    const accountId = `account_${accountIndex + 1}`;
    store.addAccount({ id: accountId, name: String(account.name), plan: account.plan, active: account.active === true });
    const usage = account.usage_this_period ?? { email: 0, webhook: 0 };
    store.setUsage(accountId, {
      periodStart: quotaPeriod(now).start,
      sent: { email: Number(usage.email) || 0, webhook: Number(usage.webhook) || 0 },
    });
    (account.environments ?? []).forEach((environment, environmentIndex) => {
      const at = `${where}.environments[${environmentIndex}]`;
      check('EnvironmentId', environment.id, `${at}.id`);
      check('ApplicationIdentifier', environment.application_identifier, `${at}.application_identifier`);
      check('EnvironmentType', environment.type, `${at}.type`);
      check('Region', environment.region, `${at}.region`);
      store.addEnvironment({
        id: environment.id,
        accountId,
        name: environment.name,
        type: environment.type,
        applicationIdentifier: environment.application_identifier,
        region: environment.region,
      });
      (environment.keys ?? []).forEach((key, keyIndex) => {
        const path = `${at}.keys[${keyIndex}]`;
        check('KeyId', key.id, `${path}.id`);
        check('KeyName', key.name, `${path}.name`);
        check('ScopeList', key.scopes, `${path}.scopes`);
        const fault = keyFormatFault(String(key.secret));
        if (fault !== null) throw new FixtureError(`${path}.secret is not a well-formed key (${fault})`);
        const wantedMode = keyModeOfEnvironment(environment);
        if (keyMode(key.secret) !== wantedMode) {
          throw new FixtureError(`${path}.secret must start with hk_${wantedMode}_ in a ${environment.type} environment`);
        }
        let expiresAt: number | null = null;
        if (key.expires_at !== undefined) {
          check('Timestamp', key.expires_at, `${path}.expires_at`);
          expiresAt = Date.parse(key.expires_at);
        }
        store.insertKey({
          id: key.id,
          environmentId: environment.id,
          name: key.name,
          scopes: scopesInSpecOrder(contract, key.scopes),
          createdAt: now,
          expiresAt,
          secret: { digest: hasher.digest(key.secret), prefix: displayPrefix(key.secret), expiresAt: null },
        });
        seeded.push({
          envVar: key.env_var ?? null,
          secret: key.secret,
          keyId: key.id,
          name: key.name,
          scopes: key.scopes,
          accountName: account.name,
          plan: account.plan,
          accountActive: account.active === true,
          environmentId: environment.id,
          environmentName: environment.name,
          applicationIdentifier: environment.application_identifier,
        });
      });
    });
  });
  return seeded;
}

export class FixtureError extends Error {
  constructor(message: string) {
    super(`invalid fixture: ${message}`);
  }
}

function schemaChecker(compiler: SchemaCompiler) {
  return (schemaName: string, value: unknown, where: string) => {
    const validate = compiler.compile({ $ref: `#/components/schemas/${schemaName}` });
    if (!validate(value)) {
      throw new FixtureError(`${where} ${validate.errors?.[0]?.message ?? 'is invalid'} (schema ${schemaName})`);
    }
  };
}
