import { fileURLToPath } from 'node:url';

/** The repository root: the spec, redocly.yaml and the tool configs are read from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
