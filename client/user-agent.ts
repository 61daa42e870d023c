// The User-Agent every request carries: the package, its version (the contract's, which every
// package of this repository shares) and the runtime, so that a server's logs tell which client
// sent what. A User-Agent the caller set is kept, ours appended.
import { specVersion } from '../generated/contract-facts.ts';

export const PACKAGE_NAME = '@herald/client';

export function userAgent(): string {
  return `${PACKAGE_NAME}/${specVersion} ${runtime()}`;
}

function runtime(): string {
  const scope = globalThis as {
    Deno?: { version?: { deno?: string } };
    Bun?: { version?: string };
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (scope.Deno?.version?.deno) return `deno/${scope.Deno.version.deno}`;
  if (scope.Bun?.version) return `bun/${scope.Bun.version}`;
  if (scope.process?.versions?.node) return `node/${scope.process.versions.node}`;
  if (scope.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  return 'unknown-runtime';
}
