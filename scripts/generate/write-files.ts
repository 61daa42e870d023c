// Writes generated files. Every text file ends with one newline and JSON is indented by two
// spaces, so output is byte-identical wherever it is produced.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GeneratedFile } from './inject-code-samples.ts';

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export async function writeFiles(root: string, files: GeneratedFile[]): Promise<void> {
  for (const file of files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content.endsWith('\n') ? file.content : `${file.content}\n`);
  }
}
