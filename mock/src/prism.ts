import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SPEC_PATH, deriveBasePath, type SpecNode } from './spec.ts';

// Prism (@stoplight/prism-cli) mocking the same bundled spec as the reference server, the way the
// real API serves it: Prism routes the spec's paths at its root and ignores the servers' base
// path, so it gets a copy of the document whose paths carry that base path (`/v1/ping`); a client
// configured with the spec's server URL then works against either mock. It also sends no CORS
// headers (Prism adds `Access-Control-Allow-Origin: *` unless told not to), like Herald: secret
// keys belong on servers, never in a browser.

/** The Prism version this package is tested with (its optional peer dependency). */
export const PRISM_VERSION = '5.14.2';

export class PrismMissingError extends Error {
  override name = 'PrismMissingError';
  constructor() {
    super(`Prism is not installed; the Prism mode needs it beside @herald/mock: npm install --save-dev @stoplight/prism-cli@${PRISM_VERSION}`);
  }
}

export interface PrismOptions {
  /** The bundled 3.1 spec (default: the one this package ships). */
  specPath?: string;
  port?: number;
  host?: string;
  /** Answer requests that break the spec with a 422/400 instead of only reporting them (Prism's --errors). */
  errors?: boolean;
  /** Prism's own log lines, as it prints them. Default: dropped. */
  onOutput?: (text: string) => void;
  /** How long to wait for Prism to listen. */
  startTimeoutMs?: number;
}

export interface PrismMock {
  /** `http://HOST:PORT/v1`: what a client uses as its base URL. */
  baseUrl: string;
  origin: string;
  process: ChildProcess;
  close(): Promise<void>;
}

/** The spec with every path under the servers' base path, and one relative server. */
export function prismDocument(spec: SpecNode): SpecNode {
  const basePath = deriveBasePath(spec);
  const paths = Object.fromEntries(Object.entries(spec.paths ?? {}).map(([path, item]) => [basePath + path, item]));
  return { ...spec, servers: [{ url: '/' }], paths };
}

/** The path of Prism's command-line entry, or PrismMissingError. */
export function prismCli(): string {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    throw new PrismMissingError();
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: { prism?: string } };
  return join(manifestPath, '..', manifest.bin?.prism ?? 'dist/index.js');
}

/** Starts Prism on a free or given port and resolves once it listens. */
export async function startPrism(options: PrismOptions = {}): Promise<PrismMock> {
  const cli = prismCli();
  const spec = JSON.parse(readFileSync(options.specPath ?? DEFAULT_SPEC_PATH, 'utf8')) as SpecNode;
  const folder = mkdtempSync(join(tmpdir(), 'herald-prism-'));
  const documentPath = join(folder, 'openapi.json');
  writeFileSync(documentPath, JSON.stringify(prismDocument(spec)));
  const basePath = deriveBasePath(spec);
  const host = options.host ?? '127.0.0.1';
  const args = [cli, 'mock', documentPath, '--port', String(options.port ?? 0), '--host', host, '--cors', 'false'];
  if (options.errors) args.push('--errors');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  child.on('exit', removeFolder);

  const origin = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Prism did not start listening within ${(options.startTimeoutMs ?? 60_000) / 1000} s${lastLine(seen)}`));
    }, options.startTimeoutMs ?? 60_000);
    const read = (chunk: Buffer) => {
      const text = chunk.toString();
      options.onOutput?.(text);
      seen = (seen + text).slice(-4000);
      const listening = /Prism is listening on (http:\/\/\S+?:\d+)/.exec(seen);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited with code ${code} before listening${lastLine(seen)}`));
    });
  });

  return {
    baseUrl: origin + basePath,
    origin,
    process: child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

function lastLine(output: string): string {
  // eslint-disable-next-line no-control-regex
  const line = output.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').filter(Boolean).pop();
  return line ? `: ${line.trim()}` : '';
}
