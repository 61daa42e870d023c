// Where generate writes its documents, in a module of its own so that readers of the bundle
// (the breaking-change gate) need not load the whole pipeline and its tools to know the path.
export const GENERATED_DIR = 'generated';
export const BUNDLE_JSON = 'generated/openapi.json';
export const BUNDLE_YAML = 'generated/openapi.yaml';
export const BUNDLE_30_JSON = 'generated/openapi-3.0.json';
