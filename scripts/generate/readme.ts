// generated/README.md, written by generate like everything else in generated/, so that the
// folder explains itself and the drift check keeps the explanation in step with the files.
import { CONTRACT_FACTS_FILE } from './contract-facts.ts';
import { DOCS_FILE } from './docs.ts';
import { EXAMPLES_FILE } from './examples-check.ts';
import { POSTMAN_DIR } from './postman.ts';
import { SAMPLES_DIR } from './code-samples.ts';
import { SDK_DIR } from './sdk.ts';
import { TYPES_FILE } from './types.ts';

export const README_FILE = 'generated/README.md';

const local = (path: string) => path.replace(/^generated\//, '');

export function generatedReadme(): string {
  return `# generated/

Everything here is written by \`npm run generate\` from the spec in \`openapi/\`. **Never edit
these files by hand**: change the spec (or the generator in \`scripts/generate/\`) and regenerate.
\`npm test\` runs \`npm run check:drift\`, which regenerates into a temporary folder and fails if
a single byte differs from what is committed here or in \`${DOCS_FILE}\`.

| Path | What | Made by |
|---|---|---|
| \`openapi.json\` | The bundled OpenAPI 3.1 document, with \`x-codeSamples\` on every operation. The source of truth that code reads at run time. | \`redocly bundle herald@v1\` |
| \`openapi.yaml\` | The same document as YAML (the reference server serves it at \`/openapi.yaml\`). | \`yaml\` |
| \`openapi-3.0.json\` | The same document down-converted to OpenAPI 3.0.3 for tools that read only 3.0 (dredd). | \`@apiture/openapi-down-convert\`, then \`scripts/generate/down-convert.ts\` |
| \`${local(TYPES_FILE)}\` | TypeScript types of paths, operations and components. | \`openapi-typescript\` |
| \`${local(SDK_DIR)}/\` | A fetch-based SDK, one function per operation; its default client starts with \`client/sdk-defaults.ts\` (the Herald transport). | \`@hey-api/openapi-ts\` with \`openapi-ts.config.ts\` |
| \`${local(SAMPLES_DIR)}/\` | Per operation: \`.curl.sh\`, \`.openapi-fetch.ts\` (through \`@herald/client\`) and \`.hey-api.ts\` (\`@herald/client/sdk\`); the same text as the operation's \`x-codeSamples\`. | \`scripts/generate/code-samples.ts\` |
| \`${local(CONTRACT_FACTS_FILE)}\` | The facts code needs at run time that types cannot carry, for \`@herald/client\`: the security schemes, the closed list of problem codes, which operations take an Idempotency-Key, which are cursor-paginated and how, the response header names. | \`scripts/generate/contract-facts.ts\` |
| \`${local(EXAMPLES_FILE)}\` | Every example of the spec assigned to its generated type, so \`tsc\` rejects an example that drifts from its schema. | \`scripts/generate/examples-check.ts\` |
| \`${local(POSTMAN_DIR)}/\` | A Postman collection: every operation, ids chained from the responses that create them, a fresh \`Idempotency-Key\` per request, the key in the \`apiKey\` variable, tests on status, schema and headers. Beside it, the Portman and openapi-to-postmanv2 configs it was made with. | \`@apideck/portman\`, configured by \`scripts/generate/postman.ts\` |

The TypeScript files here are type-checked by \`npm run typecheck\`. The samples read the key
from \`HERALD_API_KEY\` and the base URL from \`HERALD_BASE_URL\` (default: the first server of
the spec); run one with \`npx tsx generated/samples/ping.openapi-fetch.ts\`.
`;
}
