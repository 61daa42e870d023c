import { createHash } from 'node:crypto';
import { formatTimestamp } from './clock.ts';
import type { Exposure } from './exposure-registry.ts';
import type { ServerContext } from './server-context.ts';
import { eventKey } from './webhooks.ts';

// What a verified leaked-key report does (the spec's reportLeakedKeys): each live key it names
// is revoked at once and marked exposed, its environment's endpoints are told, and every match
// gets a label in the partner program's feedback format, the token by its SHA-256 only.

export interface LeakedKeyMatch {
  readonly token: string;
  readonly type: string;
  readonly url?: string;
  readonly source?: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function actOnReport(matches: readonly LeakedKeyMatch[], now: number, context: ServerContext) {
  return matches.map((match) => {
    const tokenHash = sha256Hex(match.token);
    const label = (positive: boolean) => ({ token_hash: tokenHash, token_type: match.type, label: positive ? 'true_positive' : 'false_positive' });
    if (context.exposures.get(tokenHash) !== undefined) return label(true);
    const authentication = context.authenticator.authenticate(match.token, now);
    if (!authentication.ok) return label(false);
    const key = context.store.revokeKey(authentication.key.id, now);
    const exposure: Exposure = { keyId: key.id, at: now, url: match.url ?? '', source: match.source ?? 'unknown' };
    context.exposures.record(tokenHash, exposure);
    context.log.warn({ keyId: key.id, source: exposure.source }, 'key revoked on a leaked-key report');
    context.webhooks.emit('api_key.revoked', key.environmentId, now, { key: eventKey(key), revoked_at: formatTimestamp(now), reason: 'exposed' });
    context.webhooks.emit('api_key.exposed', key.environmentId, now, {
      key: eventKey(key),
      exposed_at: formatTimestamp(now),
      url: exposure.url,
      source: exposure.source,
    });
    return label(true);
  });
}
