import { afterAll, beforeAll, expect } from 'vitest';
import { startReferenceServer, type ReferenceServer, type StartOptions } from '../../src/testing.ts';
import { client, secretsSeen } from './http.ts';
import { secretPart, WHOLE_KEY } from './spec-values.ts';

/**
 * A reference server for the tests of one file, closed after them. When it closes, its whole
 * log and a dump of everything it keeps (store and idempotency records) are searched for every
 * secret it issued (seeded, created, regenerated: counted by the server itself, whoever asked)
 * and every secret a response showed: zero hits allowed.
 */
export function useServer(options: StartOptions = {}) {
  const handle = {} as { server: ReferenceServer; call: ReturnType<typeof client> };
  const issued = new Set<string>();
  beforeAll(async () => {
    const onSecretIssued = options.server?.onSecretIssued;
    handle.server = await startReferenceServer({
      ...options,
      server: {
        ...options.server,
        onSecretIssued: (secret) => {
          issued.add(secret);
          onSecretIssued?.(secret);
        },
      },
    });
    handle.call = client(handle.server);
  });
  afterAll(async () => {
    if (!handle.server) return;
    expectNoSecrets(handle.server, issued);
    await handle.server.close();
  });
  return handle;
}

function expectNoSecrets(server: ReferenceServer, issued: Iterable<string> = []): void {
  const secrets = new Set([...issued, ...secretsSeen, ...Object.values(server.keys)]);
  const log = server.logs.join('');
  const state = JSON.stringify(server.app.herald.dumpState());
  for (const secret of secrets) {
    // The public prefix may appear; the rest of the secret must not.
    expect(log.includes(secretPart(secret)), 'a secret reached the log').toBe(false);
    expect(state.includes(secretPart(secret)), 'a secret reached the kept state').toBe(false);
  }
  expect(WHOLE_KEY.test(state), 'something shaped like a whole key is kept').toBe(false);
}

/** Another reference server for one test: started, handed to `use` with a checked client, closed. */
export async function withServer<T>(options: StartOptions, use: (server: ReferenceServer, call: ReturnType<typeof client>) => Promise<T>): Promise<T> {
  const server = await startReferenceServer(options);
  try {
    return await use(server, client(server));
  } finally {
    await server.close();
  }
}

/** A key with bad checksum: the last character changed. */
export function corrupt(key: string): string {
  const last = key[key.length - 1];
  return key.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}
