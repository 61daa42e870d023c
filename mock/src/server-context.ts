import type { FastifyBaseLogger } from 'fastify';
import type { FailedAuthThrottle } from './auth-throttle.ts';
import type { Authenticator } from './authenticator.ts';
import type { Clock } from './clock.ts';
import type { IdempotencyStore } from './idempotency.ts';
import type { KeyHasher } from './key-hashing.ts';
import type { ProblemCatalogue } from './problems.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { Contract } from './spec.ts';
import type { ExposureRegistry } from './exposure-registry.ts';
import type { Store } from './store.ts';
import type { WebhookService } from './webhooks.ts';

/** The parts of one running server, built once by `buildServer` and shared by its hooks and handlers. */
export interface ServerContext {
  readonly contract: Contract;
  readonly problems: ProblemCatalogue;
  readonly store: Store;
  readonly hasher: KeyHasher;
  readonly authenticator: Authenticator;
  readonly limiter: RateLimiter;
  readonly throttle: FailedAuthThrottle;
  readonly idempotency: IdempotencyStore;
  readonly clock: Clock;
  readonly rateLimitScale: number;
  readonly log: FastifyBaseLogger;
  /** The API base URL reported by getEnvironment (`…/v1`); known once the server listens. */
  publicBaseUrl: string;
  /** Every secret the server issues passes through here (tests count them; the leak audit records them). */
  readonly onSecretIssued: (secret: string) => void;
  /** Webhook endpoints, key-lifecycle events and their deliveries. */
  readonly webhooks: WebhookService;
  /** Keys revoked on a leaked-key report, by the SHA-256 of the reported token. */
  readonly exposures: ExposureRegistry;
}
