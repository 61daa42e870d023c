// Times the steps of a run and prints one line per step, then the total.

export class StepTimer {
  private readonly started = performance.now();

  constructor(private readonly log: (line: string) => void) {}

  async step<T>(name: string, work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    const result = await work();
    this.log(`  ${name.padEnd(34)} ${formatMs(performance.now() - start)}`);
    return result;
  }

  total(): void {
    this.log(`  ${'total'.padEnd(34)} ${formatMs(performance.now() - this.started)}`);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
