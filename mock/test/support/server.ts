import { afterAll, beforeAll, expect } from 'vitest';
import { startReferenceServer, type ReferenceServer, type StartOptions } from '../../src/testing.ts';
import { client, secretsSeen } from './http.ts';

/**
 * A reference server for the tests of one file, closed after them. When it closes, its whole log
 * and a dump of its store are searched for every secret any response showed: zero hits allowed.
 */
export function useServer(options: StartOptions = {}) {
  const handle = {} as { server: ReferenceServer; call: ReturnType<typeof client> };
  beforeAll(async () => {
    handle.server = await startReferenceServer(options);
    handle.call = client(handle.server);
  });
  afterAll(async () => {
    if (!handle.server) return;
    expectNoSecrets(handle.server);
    await handle.server.close();
  });
  return handle;
}

export function expectNoSecrets(server: ReferenceServer): void {
  const secrets = [...secretsSeen, ...Object.values(server.keys)];
  const log = server.logs.join('');
  const dump = JSON.stringify(server.store.dump());
  for (const secret of secrets) {
    // The display prefix (16 characters) may appear; the rest of the secret must not.
    expect(log.includes(secret.slice(16)), 'a secret reached the log').toBe(false);
    expect(dump.includes(secret.slice(16)), 'a secret reached the store').toBe(false);
  }
}

/** A key with bad checksum: the last character changed. */
export function corrupt(key: string): string {
  const last = key[key.length - 1];
  return key.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}
