// How hard each row pushes, in the full run and in the tiny run the smoke test uses. The tiny
// run keeps every row and every step, only smaller: it proves the bench works, never how fast.

export interface Settings {
  mode: 'full' | 'tiny';
  /** autocannon connections, the same for every throughput target. */
  connections: number;
  /** Seconds of unmeasured load on each target before its first measured slice (JIT warm-up). */
  warmupSeconds: number;
  /** Measured slices per target; targets take turns, one slice each per round. */
  rounds: number;
  /** Seconds per measured slice. */
  sliceSeconds: number;
  /** Requests per memory flood (row 3). */
  floodRequests: number;
  /** API keys the idempotency flood spreads over, enough to reach the server's overall cap. */
  floodApiKeys: number;
  /** Alternating runs of the suite and of dredd (row 4), and of the generator (row 5). */
  toolRuns: number;
  /** Row 8, flat as data grows. */
  scale: ScaleSettings;
}

export interface ScaleSettings {
  /** Keys in the store of each server compared, smallest first. */
  keys: number[];
  /** Environments the keys are spread over (at most one per key). */
  environments: number;
  /** The share of the keys in one large environment, for pages deep into it. */
  deepShare: number;
  warmupSeconds: number;
  rounds: number;
  sliceSeconds: number;
  /** Idempotent requests per slice (the table below its cap must stay below it). */
  idempotencySliceRequests: number;
  /** API keys the idempotency table is filled over, enough to reach its overall cap. */
  idempotencyApiKeys: number;
}

export const FULL: Settings = {
  mode: 'full',
  connections: 10,
  // One second of load compiles the request path (thousands of requests); two made the run
  // longer than its 5 minutes without changing a ratio. The whole run took 396 s on a quiet
  // machine with 6 rounds of 1.5 s, two runs of each tool and floods of 200,000 requests: these
  // keep it under 5 minutes (bench/README.md, "Latest figures").
  warmupSeconds: 1,
  rounds: 4,
  sliceSeconds: 1.25,
  floodRequests: 150_000,
  floodApiKeys: 12,
  toolRuns: 1,
  scale: {
    // The 1,000,000-key store only with --scale (withMillionKeys): seeding it and holding it
    // beside the others takes about a minute and a gigabyte more than `npm run bench` can spare.
    keys: [10, 100_000],
    environments: 10_000,
    deepShare: 0.1,
    warmupSeconds: 1,
    rounds: 4,
    sliceSeconds: 1,
    idempotencySliceRequests: 1_000,
    idempotencyApiKeys: 12,
  },
};

export const TINY: Settings = {
  mode: 'tiny',
  connections: 10,
  warmupSeconds: 0.2,
  rounds: 1,
  sliceSeconds: 0.5,
  floodRequests: 2_000,
  floodApiKeys: 2,
  toolRuns: 1,
  scale: {
    keys: [10, 2_000, 5_000],
    environments: 100,
    deepShare: 0.1,
    warmupSeconds: 0.2,
    rounds: 1,
    sliceSeconds: 0.3,
    idempotencySliceRequests: 200,
    idempotencyApiKeys: 2,
  },
};

/**
 * `--scale`: row 8 with a store of 1,000,000 keys beside the 10- and 100,000-key ones, and more
 * rounds (it runs apart from the 5-minute run, and its rounds spread by ±20 % on this machine).
 */
export function withMillionKeys(settings: Settings): Settings {
  return { ...settings, scale: { ...settings.scale, keys: [...settings.scale.keys, 1_000_000], rounds: 8 } };
}
