// The keys reported as leaked, remembered so that a repeated report gets the same answer.

export interface Exposure {
  readonly keyId: string;
  readonly at: number;
  readonly url: string;
  readonly source: string;
}

/** Exposed keys by the SHA-256 of the reported token: a repeated report finds its answer here. */
export class ExposureRegistry {
  private readonly byTokenHash = new Map<string, Exposure>();
  get(tokenHash: string): Exposure | undefined {
    return this.byTokenHash.get(tokenHash);
  }
  record(tokenHash: string, exposure: Exposure): void {
    this.byTokenHash.set(tokenHash, exposure);
  }
  /** The exposure of a key, if one was reported (for the revoked key's refusal detail). */
  ofKey(keyId: string): Exposure | undefined {
    for (const exposure of this.byTokenHash.values()) if (exposure.keyId === keyId) return exposure;
    return undefined;
  }
}
