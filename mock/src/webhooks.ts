import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { formatTimestamp, type Clock } from './clock.ts';
import { newId } from './ids.ts';
import type { Contract } from './spec.ts';
import type { KeyRecord, Store } from './store.ts';
import type { Transport } from './webhook-transport.ts';

// Webhook endpoints, the key-lifecycle events they subscribe to, and their deliveries, signed
// the Standard Webhooks way (the `standardwebhooks` package signs; see the spec's "Webhooks").
// Every instant here comes from the server's clock: retries fall due and keys come near their
// expiry when the clock says so, so a test moves time instead of waiting. Only the
// `webhook-timestamp` of an attempt is real time: it tells the receiver when the bytes were
// signed, for its replay check against its own clock.

export const EVENT_TYPES = [
  'api_key.created',
  'api_key.regenerated',
  'api_key.revoked',
  'api_key.expiring',
  'api_key.expired',
  'api_key.exposed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The events the server sends must be the spec's WebhookEventType values, no more and no fewer:
 * checked at start-up, like the problem codes (problems.ts).
 */
export function checkEventTypes(contract: Contract): void {
  const values = contract.document.components?.schemas?.WebhookEventType?.enum;
  if (!Array.isArray(values)) throw new Error('the spec has no WebhookEventType enum');
  const sent = new Set<string>(EVENT_TYPES);
  const missing = values.filter((value: unknown) => typeof value !== 'string' || !sent.has(value));
  const extra = EVENT_TYPES.filter((type) => !values.includes(type));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`the server's webhook events differ from the spec's WebhookEventType: not sent ${JSON.stringify(missing)}, not in the spec ${JSON.stringify(extra)}`);
  }
}

/** The spec's delivery policy (`x-herald-webhook-delivery` on WebhookDelivery). */
export interface DeliveryPolicy {
  /** Seconds after a failed attempt before the next one; one attempt more than delays. */
  readonly retryDelaysSeconds: readonly number[];
  readonly attemptTimeoutSeconds: number;
}

export function deliveryPolicy(contract: Contract): DeliveryPolicy {
  const policy = contract.document.components?.schemas?.WebhookDelivery?.['x-herald-webhook-delivery'];
  const delays = policy?.retry_delays_seconds;
  const timeout = policy?.attempt_timeout_seconds;
  if (!Array.isArray(delays) || !delays.every((d) => Number.isInteger(d) && d > 0) || !(Number.isInteger(timeout) && timeout > 0)) {
    throw new Error('the spec states no webhook delivery policy (x-herald-webhook-delivery on WebhookDelivery)');
  }
  return { retryDelaysSeconds: delays, attemptTimeoutSeconds: timeout };
}
export const DEFAULT_EXPIRING_NOTICE_SECONDS = 7 * 24 * 3600;
/** Deliveries kept per endpoint, newest first (older ones are dropped). */
export const MAX_DELIVERIES_PER_ENDPOINT = 1000;

export interface EndpointRecord {
  readonly id: string;
  readonly environmentId: string;
  readonly url: string;
  readonly events: readonly EventType[];
  readonly createdAt: number;
  readonly sequence: number;
  /** The `whsec_` secret: kept usable (HMAC needs it), never listed, logged or dumped. */
  readonly secret: string;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: EventType;
  readonly body: string;
  readonly createdAt: number;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastResponseCode: number | null;
  lastError: 'timeout' | 'connection_failed' | 'destination_not_allowed' | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  inFlight: boolean;
  readonly sequence: number;
}

export interface WebhookOptions {
  readonly transport: Transport;
  readonly policy: DeliveryPolicy;
  /** Overrides the policy's attempt timeout (tests). */
  readonly attemptTimeoutMs?: number;
  readonly expiringNoticeSeconds?: number;
  /** Real time, for `webhook-timestamp` (default Date.now). */
  readonly wallClock?: () => number;
  readonly onSecretIssued?: (secret: string) => void;
}

export class WebhookService {
  private readonly endpoints = new Map<string, EndpointRecord>();
  private readonly deliveries = new Map<string, DeliveryRecord[]>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Keys already announced as expiring / expired (each is sent once per key). */
  private readonly announced = new Map<EventType, Set<string>>([['api_key.expiring', new Set()], ['api_key.expired', new Set()]]);
  private sequence = 0;
  readonly attemptTimeoutMs: number;
  readonly expiringNoticeSeconds: number;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: WebhookOptions,
  ) {
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? options.policy.attemptTimeoutSeconds * 1000;
    this.expiringNoticeSeconds = options.expiringNoticeSeconds ?? DEFAULT_EXPIRING_NOTICE_SECONDS;
  }

  createEndpoint(environmentId: string, url: string, events: readonly EventType[], now: number): EndpointRecord {
    const secret = 'whsec_' + randomBytes(32).toString('base64');
    this.options.onSecretIssued?.(secret);
    const endpoint: EndpointRecord = { id: newId('whe_'), environmentId, url, events: [...events], createdAt: now, sequence: ++this.sequence, secret };
    this.endpoints.set(endpoint.id, endpoint);
    this.deliveries.set(endpoint.id, []);
    return endpoint;
  }

  getEndpoint(environmentId: string, id: string): EndpointRecord | undefined {
    const endpoint = this.endpoints.get(id);
    return endpoint?.environmentId === environmentId ? endpoint : undefined;
  }

  listEndpoints(environmentId: string, afterSequence: number, limit: number): EndpointRecord[] {
    const page: EndpointRecord[] = [];
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.environmentId !== environmentId || endpoint.sequence <= afterSequence) continue;
      page.push(endpoint);
      if (page.length === limit) break;
    }
    return page;
  }

  /** Deletes the endpoint and drops its attempts still due. */
  deleteEndpoint(id: string): void {
    this.endpoints.delete(id);
    this.deliveries.delete(id);
  }

  /** The endpoint's deliveries, newest first, after the one of sequence `beforeSequence`. */
  listDeliveries(endpointId: string, beforeSequence: number, limit: number): DeliveryRecord[] {
    const all = this.deliveries.get(endpointId) ?? [];
    return all.filter((delivery) => delivery.sequence < beforeSequence).slice(0, limit);
  }

  /** Records one event for every endpoint of the environment that wants it and starts its first attempts. */
  emit(type: EventType, environmentId: string, at: number, data: Record<string, unknown>): void {
    const subscribers = [...this.endpoints.values()].filter((e) => e.environmentId === environmentId && e.events.includes(type));
    if (subscribers.length === 0) return;
    const eventId = newId('msg_');
    const body = JSON.stringify({ type, timestamp: formatTimestamp(at), data });
    for (const endpoint of subscribers) {
      const delivery: DeliveryRecord = {
        id: newId('dlv_'), endpointId: endpoint.id, eventId, eventType: type, body, createdAt: at,
        status: 'pending', attempts: 0, lastResponseCode: null, lastError: null, lastAttemptAt: null,
        nextAttemptAt: at, inFlight: false, sequence: ++this.sequence,
      };
      const list = this.deliveries.get(endpoint.id) as DeliveryRecord[];
      list.unshift(delivery);
      if (list.length > MAX_DELIVERIES_PER_ENDPOINT) list.length = MAX_DELIVERIES_PER_ENDPOINT;
      this.attempt(endpoint, delivery);
    }
  }

  /**
   * Everything due by the clock: `api_key.expiring` / `api_key.expired` for keys that reached
   * the notice or their expiry, and the retries whose time has come. Called by a timer, after
   * the test clock moves, and by tests (then awaited with `settle`).
   */
  runDue(): void {
    const now = this.clock.now();
    if (this.endpoints.size === 0) return;
    this.announceExpiries(now);
    for (const [endpointId, list] of this.deliveries) {
      const endpoint = this.endpoints.get(endpointId) as EndpointRecord;
      for (const delivery of list) {
        if (delivery.status === 'pending' && !delivery.inFlight && delivery.nextAttemptAt !== null && delivery.nextAttemptAt <= now) {
          this.attempt(endpoint, delivery);
        }
      }
    }
  }

  /** Resolves when every attempt started so far has finished (tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private announceExpiries(now: number): void {
    const environments = new Set<string>();
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.events.includes('api_key.expiring') || endpoint.events.includes('api_key.expired')) environments.add(endpoint.environmentId);
    }
    const expiring = this.announced.get('api_key.expiring') as Set<string>;
    const expired = this.announced.get('api_key.expired') as Set<string>;
    for (const environmentId of environments) {
      for (const key of this.store.listKeys(environmentId, 0, Number.MAX_SAFE_INTEGER)) {
        if (key.expiresAt === null || key.revokedAt !== null) continue;
        if (key.expiresAt <= now) {
          if (expired.has(key.id)) continue;
          expired.add(key.id);
          expiring.add(key.id); // past its expiry, an "expires soon" would come too late
          this.emit('api_key.expired', environmentId, key.expiresAt, { key: eventKey(key), expired_at: formatTimestamp(key.expiresAt) });
        } else if (key.expiresAt - this.expiringNoticeSeconds * 1000 <= now && !expiring.has(key.id)) {
          expiring.add(key.id);
          this.emit('api_key.expiring', environmentId, now, { key: eventKey(key), expires_at: formatTimestamp(key.expiresAt) });
        }
      }
    }
  }

  private attempt(endpoint: EndpointRecord, delivery: DeliveryRecord): void {
    delivery.inFlight = true;
    const wallNow = (this.options.wallClock ?? Date.now)();
    const headers = {
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(Math.floor(wallNow / 1000)),
      'webhook-signature': new Webhook(endpoint.secret).sign(delivery.eventId, new Date(wallNow), delivery.body),
      'user-agent': 'Herald-Webhooks/1.1',
    };
    const run = this.options.transport(endpoint.url, headers, delivery.body, this.attemptTimeoutMs).then((outcome) => {
      const at = this.clock.now();
      delivery.inFlight = false;
      delivery.attempts += 1;
      delivery.lastAttemptAt = at;
      delivery.lastResponseCode = outcome.kind === 'answered' ? outcome.status : null;
      delivery.lastError = outcome.kind === 'failed' ? outcome.error : null;
      if (outcome.kind === 'answered' && outcome.status >= 200 && outcome.status < 300) {
        delivery.status = 'succeeded';
        delivery.nextAttemptAt = null;
      } else if (delivery.attempts > this.options.policy.retryDelaysSeconds.length || (outcome.kind === 'failed' && outcome.error === 'destination_not_allowed')) {
        delivery.status = 'failed';
        delivery.nextAttemptAt = null;
      } else {
        delivery.nextAttemptAt = at + this.options.policy.retryDelaysSeconds[delivery.attempts - 1] * 1000;
      }
    });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }
}

/** How every event names its key: never a secret. */
export function eventKey(key: KeyRecord): Record<string, string> {
  return { id: key.id, name: key.name, prefix: key.current.prefix, environment_id: key.environmentId };
}

export function endpointJson(endpoint: EndpointRecord) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    environment_id: endpoint.environmentId,
    created_at: formatTimestamp(endpoint.createdAt),
  };
}

export function deliveryJson(delivery: DeliveryRecord) {
  const at = (value: number | null) => (value === null ? null : formatTimestamp(value));
  return {
    id: delivery.id,
    endpoint_id: delivery.endpointId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    last_response_code: delivery.lastResponseCode,
    last_error: delivery.lastError,
    last_attempt_at: at(delivery.lastAttemptAt),
    next_attempt_at: delivery.status === 'pending' ? at(delivery.nextAttemptAt) : null,
    created_at: formatTimestamp(delivery.createdAt),
  };
}
