import { readFileSync } from 'node:fs';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads a `NAME=value` file, the format `npm start -- --env-out FILE` writes. Blank lines and
 * `#` comments are ignored; `export ` and surrounding quotes are tolerated so a shell-style
 * `.env` works too.
 */
export function parseEnvFile(text: string, source = 'env file'): Record<string, string> {
  const values: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(`${source}, line ${index + 1}: expected NAME=value`);
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    values[match[1]] = value;
  });
  return values;
}

export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read --env-file ${path}: ${(error as Error).message}`);
  }
  return parseEnvFile(text, path);
}
