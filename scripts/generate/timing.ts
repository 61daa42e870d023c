// Times the steps of a run and prints one line per step, then the total.

export interface StepTiming {
  step: string;
  ms: number;
}

export class StepTimer {
  readonly timings: StepTiming[] = [];
  private readonly started = performance.now();

  constructor(private readonly log: (line: string) => void) {}

  async step<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    const result = await work();
    const ms = performance.now() - start;
    this.timings.push({ step: name, ms });
    this.log(`  ${name.padEnd(34)} ${formatMs(ms)}`);
    return result;
  }

  total(): number {
    const ms = performance.now() - this.started;
    this.log(`  ${'total'.padEnd(34)} ${formatMs(ms)}`);
    return ms;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
