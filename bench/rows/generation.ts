import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTsxScript } from '../lib/command.ts';
import { formatSeconds, infoRow, type Row } from '../lib/report.ts';
import type { Settings } from '../lib/settings.ts';
import { median } from '../lib/stats.ts';

// Row 5: `npm run generate` from scratch, into an empty temporary root (`--out`), never over
// the committed generated/ and docs/.

export async function measureGeneration(settings: Settings): Promise<Row[]> {
  const walls: number[] = [];
  for (let i = 0; i < settings.toolRuns; i++) {
    const out = mkdtempSync(join(tmpdir(), 'herald-bench-generate-'));
    try {
      const run = await runTsxScript('scripts/generate.ts', ['--out', out]);
      if (run.exitCode !== 0) throw new Error(`npm run generate exited with ${run.exitCode}:\n${run.tail}`);
      for (const made of ['generated/openapi.json', 'docs/index.html']) {
        if (!existsSync(join(out, made))) throw new Error(`npm run generate -- --out DIR did not write ${made}`);
      }
      walls.push(run.wallMs);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  const wall = median(walls);
  return [
    infoRow({
      group: 5,
      id: 'generation',
      name: 'npm run generate, from scratch',
      figure: `${formatSeconds(wall)} wall`,
      values: { wallMs: Math.round(wall), runs: walls.length },
      method: `median of ${walls.length} run${walls.length > 1 ? 's' : ''} into an empty temporary --out root, spawn to exit`,
    }),
  ];
}
