import type { LedgerData } from '../results.ts';
import type { WorkerConfig } from './session.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    herald: WorkerConfig;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    herald?: LedgerData;
  }
}
