import { createHash, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

// The public keys of the secret scanners this server trusts, and the check of a report's
// signature against them. GitHub's secret scanning partner program signs the raw body with
// ECDSA P-256 / SHA-256 and sends the DER signature base64-encoded in
// `Github-Public-Key-Signature`, naming the key in `Github-Public-Key-Identifier`; its keys are
// published at https://api.github.com/meta/public_keys/secret_scanning as
// `{"public_keys": [{"key_identifier", "key" (PEM), "is_current"}]}`, the format read here too.

export interface ReporterPublicKey {
  readonly key_identifier: string;
  /** PEM (SubjectPublicKeyInfo). */
  readonly key: string;
}

export type SignatureCheck = 'valid' | 'unknown-key' | 'bad-signature';

export class ReporterKeyRing {
  private readonly keys = new Map<string, KeyObject>();

  constructor(publicKeys: readonly ReporterPublicKey[]) {
    for (const entry of publicKeys) {
      const key = createPublicKey(entry.key);
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new Error(`reporter key ${entry.key_identifier} is not an ECDSA P-256 public key`);
      }
      this.keys.set(entry.key_identifier, key);
    }
  }

  get identifiers(): string[] {
    return [...this.keys.keys()];
  }

  check(identifier: string, signatureBase64: string, rawBody: Buffer): SignatureCheck {
    const key = this.keys.get(identifier);
    if (key === undefined) return 'unknown-key';
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64)) return 'bad-signature';
    try {
      return verify('sha256', rawBody, { key, dsaEncoding: 'der' }, Buffer.from(signatureBase64, 'base64')) ? 'valid' : 'bad-signature';
    } catch {
      return 'bad-signature';
    }
  }
}

/** A key file in the format of GitHub's published keys. */
export function readReporterKeysFile(path: string): ReporterPublicKey[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { public_keys?: unknown };
  if (!Array.isArray(parsed.public_keys)) throw new Error(`${path}: expected {"public_keys": [{"key_identifier", "key"}]}`);
  return parsed.public_keys.map((entry, i) => {
    const { key_identifier: identifier, key } = (entry ?? {}) as Record<string, unknown>;
    if (typeof identifier !== 'string' || identifier === '' || typeof key !== 'string') {
      throw new Error(`${path}: public_keys[${i}] needs a key_identifier and a PEM key`);
    }
    return { key_identifier: identifier, key };
  });
}

/** A reporter made at start-up for local testing: its private key signs the suite's reports. */
export interface LocalReporter {
  readonly keyIdentifier: string;
  readonly publicKeyPem: string;
  /** PKCS#8 DER, base64: one line, for an env file. */
  readonly privateKeyBase64: string;
}

export function createLocalReporter(): LocalReporter {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    // Like GitHub's identifiers: 64 hex characters (here the SHA-256 of the public key).
    keyIdentifier: createHash('sha256').update(spki).digest('hex'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    privateKeyBase64: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}
