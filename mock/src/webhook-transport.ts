import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

// One delivery attempt: a POST to an endpoint's URL, refused before any connection when the
// destination is not one the operator allows (default: loopback only), so a sandbox never
// becomes a way to make requests elsewhere. The address is checked when the attempt is made,
// after name resolution, and the connection goes to the address that was checked (a name that
// resolves elsewhere a second time — DNS rebinding — changes nothing).

export type AttemptOutcome =
  | { readonly kind: 'answered'; readonly status: number }
  | { readonly kind: 'failed'; readonly error: 'timeout' | 'connection_failed' | 'destination_not_allowed' };

export interface DestinationPolicy {
  /** Host names or IP addresses allowed besides loopback addresses (`--webhook-allow-host`). */
  readonly allowHosts: readonly string[];
}

export type Transport = (url: string, headers: Record<string, string>, body: string, timeoutMs: number) => Promise<AttemptOutcome>;

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (bare === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped !== null && mapped[1].startsWith('127.');
}

/** The address to connect to, or null when the destination is not allowed. */
export async function allowedAddress(hostname: string, policy: DestinationPolicy): Promise<{ address: string; family: number } | null> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const allowedByName = policy.allowHosts.some((allowed) => allowed.toLowerCase() === host.toLowerCase());
  if (isIP(host)) return allowedByName || isLoopbackAddress(host) ? { address: host, family: isIP(host) } : null;
  let addresses: { address: string; family: number }[];
  try {
    addresses = await dnsLookup(host, { all: true });
  } catch {
    return allowedByName ? { address: '', family: 0 } : null;
  }
  if (addresses.length === 0) return null;
  if (allowedByName) return addresses[0];
  return addresses.every((entry) => isLoopbackAddress(entry.address)) ? addresses[0] : null;
}

export function createHttpTransport(policy: DestinationPolicy): Transport {
  return async (url, headers, body, timeoutMs) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { kind: 'failed', error: 'connection_failed' };
    }
    const destination = await allowedAddress(target.hostname, policy);
    if (destination === null) return { kind: 'failed', error: 'destination_not_allowed' };
    if (destination.address === '') return { kind: 'failed', error: 'connection_failed' };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<AttemptOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          // Connect to the address that was checked, whatever the name resolves to now.
          lookup: (_host, options, callback) => {
            if ((options as { all?: boolean }).all) callback(null, [{ address: destination.address, family: destination.family }] as never);
            else callback(null, destination.address, destination.family);
          },
        },
        (response: IncomingMessage) => {
          // The answer's body is read and dropped (bounded by the timeout): only the status counts.
          response.on('data', () => {});
          response.on('end', () => finish({ kind: 'answered', status: response.statusCode ?? 0 }));
          response.on('error', () => finish({ kind: 'failed', error: 'connection_failed' }));
        },
      );
      const timer = setTimeout(() => {
        finish({ kind: 'failed', error: 'timeout' });
        request.destroy();
      }, timeoutMs);
      request.on('error', () => finish({ kind: 'failed', error: 'connection_failed' }));
      request.end(body);
    });
  };
}
