import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import YAML from 'yaml';
import type { AdjustableClock, Clock } from './clock.ts';
import { formatTimestamp } from './clock.ts';
import { JSON_CONTENT_TYPE } from './problems.ts';
import type { ServerContext } from './server-context.ts';

// Routes outside the API (and outside the contract): liveness, the Redoc page, the spec itself,
// the test clock, a mock-only control in the spirit of Stripe's test clocks, and the stats, a
// mock-only read-only view of counters the server keeps anyway.

export const TEST_CLOCK_PATH = '/_herald/test-clock';
export const STATS_PATH = '/_herald/stats';

/**
 * What `GET /_herald/stats` answers: counters a client cannot see in any answer, which the
 * conformance suite reads to check two promises (a malformed key is refused before any lookup;
 * unknown keys leave no state) and the benchmark reads through `app.herald.stats()`.
 */
export interface ServerStats {
  /** Secret lookups in the store since start-up. */
  store_lookups: number;
  /** Keys with a rate-limit window in the limiter's table. */
  rate_limited_keys: number;
  /** Client addresses the failed-auth throttle tracks. */
  throttled_addresses: number;
  /** Idempotency records kept. */
  idempotency_records: number;
}

export interface SiteOptions {
  specJsonPath: string;
  /** generated/openapi.yaml; converted from the JSON bundle when absent. */
  specYamlPath: string;
  /** docs/index.html; served as it is at request time, so a regenerated page shows at once. */
  docsPath: string;
  /** The clock to move, when the test clock is enabled. */
  testClock: AdjustableClock | null;
  /** The counters, when the stats are served. */
  stats: (() => ServerStats) | null;
}

/** The site's paths and their methods (for 405 answers). */
export function siteRoutePaths({ testClock, stats }: { testClock: boolean; stats: boolean }): Map<string, string[]> {
  const routes = new Map<string, string[]>([
    ['/', ['GET']],
    ['/health', ['GET']],
    ['/docs', ['GET']],
    ['/openapi.json', ['GET']],
    ['/openapi.yaml', ['GET']],
  ]);
  if (testClock) routes.set(TEST_CLOCK_PATH, ['GET', 'POST']);
  if (stats) routes.set(STATS_PATH, ['GET']);
  return routes;
}

export function registerSiteRoutes(app: FastifyInstance, context: ServerContext, options: SiteOptions): void {
  const { problems } = context;
  const specJson = readFileSync(options.specJsonPath);
  let specYaml: string | null = null;

  app.get('/health', (_request, reply) => {
    reply.header('content-type', JSON_CONTENT_TYPE).send(HEALTHY);
  });

  app.get('/', (_request, reply) => {
    reply.redirect('/docs', 302);
  });

  app.get('/docs', async (_request, reply) => {
    let page: Buffer;
    try {
      page = await readFile(options.docsPath);
    } catch {
      problems.send(reply, 'not_found', 'The reference page has not been generated yet: run `npm run generate`, then reload.');
      return reply;
    }
    return reply.header('content-type', 'text/html; charset=utf-8').send(page);
  });

  app.get('/openapi.json', (_request, reply) => {
    reply.header('content-type', JSON_CONTENT_TYPE).send(specJson);
  });

  app.get('/openapi.yaml', (_request, reply) => {
    if (specYaml === null) {
      specYaml = existsSync(options.specYamlPath)
        ? readFileSync(options.specYamlPath, 'utf8')
        : YAML.stringify(context.contract.document, { aliasDuplicateObjects: false });
    }
    reply.header('content-type', 'application/yaml; charset=utf-8').send(specYaml);
  });

  if (options.testClock !== null) registerTestClock(app, context, options.testClock);
  const stats = options.stats;
  if (stats !== null) {
    app.get(STATS_PATH, (_request, reply) => {
      reply.header('content-type', JSON_CONTENT_TYPE).header('cache-control', 'no-store').send(JSON.stringify(stats()));
    });
  }
}

const HEALTHY = '{"status":"ok"}';

/** Ten years: enough for any expiry or quota test, small enough to stay a valid date. */
const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

function registerTestClock(app: FastifyInstance, context: ServerContext, clock: AdjustableClock) {
  const { problems } = context;
  const state = (c: Clock) => JSON.stringify({ now: formatTimestamp(c.now()) });

  app.get(TEST_CLOCK_PATH, (_request, reply) => {
    reply.header('content-type', JSON_CONTENT_TYPE).send(state(clock));
  });

  // {"advance_seconds": N} moves time forward; {"rewind_seconds": N} moves it back by up to N
  // seconds, never before real time, so that a client which travelled (the conformance suite)
  // puts the clock back where it found it.
  app.post(TEST_CLOCK_PATH, (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const keys = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
    const field = keys.length === 1 && (keys[0] === 'advance_seconds' || keys[0] === 'rewind_seconds') ? keys[0] : undefined;
    const seconds = field ? body![field] : undefined;
    if (!field || typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
      problems.send(reply, 'validation_failed', `Send {"advance_seconds": N} or {"rewind_seconds": N} with a whole number N from 0 to ${MAX_ADVANCE_SECONDS}.`, {
        errors: [{ location: 'body', pointer: field ? `/${field}` : '/advance_seconds', message: `must be an integer from 0 to ${MAX_ADVANCE_SECONDS}` }],
      });
      return;
    }
    if (field === 'advance_seconds') {
      clock.advance(seconds * 1000);
      context.log.info({ advanceSeconds: seconds, now: formatTimestamp(clock.now()) }, 'test clock advanced');
      // Retries and expiry events that fell due in the time travelled start now, not at the next tick.
      context.webhooks.runDue();
    } else {
      const moved = clock.rewind(seconds * 1000) / 1000;
      context.log.info({ rewindSeconds: moved, now: formatTimestamp(clock.now()) }, 'test clock moved back');
    }
    reply.header('content-type', JSON_CONTENT_TYPE).send(state(clock));
  });
}
