// The spec as Postman's importer reads it (openapi-to-postmanv2, its conversion library, with
// parameter values taken from the examples): the collection must authenticate with the bare key
// pasted into its variable, and requests sent as imported must not share an idempotency key.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const converter = require('openapi-to-postmanv2') as {
  convertV2(input: { type: 'json'; data: unknown }, options: Record<string, unknown>, callback: (error: Error | null, result: ConversionResult) => void): void;
};

interface ConversionResult {
  result: boolean;
  reason?: string;
  output?: { data: PostmanCollection }[];
}
interface PostmanAuth {
  type: string;
  [type: string]: unknown;
}
interface PostmanItem {
  name: string;
  item?: PostmanItem[];
  request?: { header?: { key: string; value: string }[]; auth?: PostmanAuth };
}
interface PostmanCollection {
  auth?: PostmanAuth;
  item: PostmanItem[];
}

export interface ImportVerdict {
  /** How the imported collection sends the key, in words. */
  auth: string;
  problems: string[];
}

export function importIntoPostman(document: unknown): Promise<ImportVerdict> {
  return new Promise((resolve, reject) => {
    converter.convertV2({ type: 'json', data: structuredClone(document) }, { parametersResolution: 'Example' }, (error, result) => {
      if (error) return reject(error);
      if (!result.result || !result.output?.[0]) return reject(new Error(`openapi-to-postmanv2: ${result.reason ?? 'no collection'}`));
      resolve(judge(result.output[0].data));
    });
  });
}

function judge(collection: PostmanCollection): ImportVerdict {
  const problems: string[] = [];
  const auth = describeAuth(collection.auth);
  if (!auth.bareKey) problems.push(`the collection authenticates with ${auth.text}: a key pasted into its variable is not a valid credential`);

  const requests: PostmanItem[] = [];
  const walk = (items: PostmanItem[]) => items.forEach((item) => (item.item ? walk(item.item) : requests.push(item)));
  walk(collection.item);
  const byKey = new Map<string, string[]>();
  for (const request of requests) {
    for (const header of request.request?.header ?? []) {
      if (header.key.toLowerCase() !== 'idempotency-key') continue;
      byKey.set(header.value, [...(byKey.get(header.value) ?? []), request.name]);
    }
  }
  for (const [value, names] of byKey) {
    if (names.length > 1) problems.push(`${names.join(', ')} send the same Idempotency-Key ${value}: the second is refused (idempotency_key_reused)`);
  }
  return { auth: auth.text, problems };
}

function describeAuth(auth: PostmanAuth | undefined): { text: string; bareKey: boolean } {
  if (!auth) return { text: 'no auth', bareKey: false };
  const fields = Object.fromEntries(((auth[auth.type] ?? []) as { key: string; value: unknown }[]).map((f) => [f.key, String(f.value)]));
  if (auth.type === 'bearer') return { text: `Authorization: Bearer ${fields.token}`, bareKey: true };
  if (auth.type === 'apikey') {
    const header = String(fields.key ?? '');
    // On Authorization the variable would have to hold the scheme word as well.
    return { text: `${header}: ${fields.value}`, bareKey: fields.in === 'header' && header.toLowerCase() !== 'authorization' };
  }
  return { text: `a ${auth.type} auth`, bareKey: false };
}
