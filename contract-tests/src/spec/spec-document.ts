import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The bundled OpenAPI 3.1 document, read at run time: every check the suite makes is derived from
 * it, so a change of the spec changes the checks without editing a test.
 */
export type JsonObject = Record<string, unknown>;

export const DEFAULT_SPEC_PATH = fileURLToPath(new URL('../../../generated/openapi.json', import.meta.url));

/** The spec given to the suite cannot be used; the message is one line, fit for a user. */
export class SpecError extends Error {
  override name = 'SpecError';
}

export class SpecDocument {
  constructor(readonly root: JsonObject, readonly source: string) {}

  /** Reads a bundled OpenAPI 3.1 JSON document; SpecError says in one line why a file is not one. */
  static load(path: string = DEFAULT_SPEC_PATH): SpecDocument {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SpecError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}`);
    }
    let root: unknown;
    try {
      root = JSON.parse(text);
    } catch {
      throw new SpecError(`${path} is not JSON (give the bundled spec, @herald/openapi's openapi.json)`);
    }
    const version = (root as JsonObject | null)?.openapi;
    if (typeof version !== 'string' || !version.startsWith('3.1.')) {
      throw new SpecError(`${path} is not an OpenAPI 3.1 document (openapi: ${JSON.stringify(version ?? null)})`);
    }
    return new SpecDocument(root as JsonObject, path);
  }

  /** Follows a local JSON pointer (`#/components/...`). */
  pointer(ref: string): unknown {
    if (!ref.startsWith('#')) throw new Error(`Only local references are supported, got ${ref}`);
    const parts = ref.slice(1).split('/').filter((p) => p !== '').map(unescapePointer);
    let node: unknown = this.root;
    for (const part of parts) {
      if (node === null || typeof node !== 'object' || !(part in (node as JsonObject))) {
        throw new Error(`The spec has nothing at ${ref}`);
      }
      node = (node as JsonObject)[part];
    }
    return node;
  }

  /**
   * Resolves a `$ref` chain on a non-schema object (response, header, parameter, example).
   * Schemas stay as references: ajv resolves those itself.
   */
  deref<T = JsonObject>(node: unknown): T {
    let current = node;
    for (let depth = 0; depth < 20; depth++) {
      if (current && typeof current === 'object' && typeof (current as JsonObject).$ref === 'string') {
        current = this.pointer((current as JsonObject).$ref as string);
      } else {
        return current as T;
      }
    }
    throw new Error('Reference cycle in the spec');
  }

  /** The component name a `$ref` points at (`#/components/headers/RateLimit` → `RateLimit`). */
  static refName(node: unknown): string | undefined {
    if (node && typeof node === 'object' && typeof (node as JsonObject).$ref === 'string') {
      return ((node as JsonObject).$ref as string).split('/').pop();
    }
    return undefined;
  }
}

function unescapePointer(part: string): string {
  return decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
}

export function escapePointer(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}
