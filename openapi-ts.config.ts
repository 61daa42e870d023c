// @hey-api/openapi-ts configuration: `npx openapi-ts` reads it as is; `npm run generate` reads
// it too and only points `input` at the document it has just bundled and `output.path` at its
// output root. Auth is not configured here: the SDK carries each operation's security list and
// calls the client's `auth` callback once per scheme (see generated/samples/*.hey-api.ts).
import { defineConfig, type UserConfig } from '@hey-api/openapi-ts';

export const heyApiConfig = {
  // Must start with `./`: a bare `generated/openapi.json` is read as an API registry name.
  input: './generated/openapi.json',
  output: {
    path: './generated/sdk',
    // Pinned rather than searched for, so output is the same from any folder.
    tsConfigPath: './tsconfig.json',
    // Relative imports end in .js, as Node's ESM resolution (and TypeScript's `nodenext`) want
    // them: the SDK compiles into @herald/client and runs in plain node.
    importFileExtension: '.js',
  },
  plugins: [
    {
      // The fetch client is built into @hey-api/openapi-ts 0.95 (no @hey-api/client-fetch package).
      name: '@hey-api/client-fetch',
      // The SDK's default `client` is created with the Herald transport (redirects that keep the
      // key home, timeouts, retries that cannot send twice): the path is written as is into
      // generated/sdk/client.gen.ts, relative to it.
      runtimeConfigPath: '../../client/sdk-defaults.js',
    },
    '@hey-api/typescript',
    '@hey-api/sdk',
  ],
  logs: { level: 'warn', file: false },
  interactive: false,
} satisfies UserConfig;

export default defineConfig(heyApiConfig);
