import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../generate/repo-root.ts';

// The Arazzo workflows of openapi/arazzo/, read as data: the tests run them with Respect, prove
// them against broken servers and check them against the spec and the conformance suite.

export const ARAZZO_DIR = join(REPO_ROOT, 'openapi', 'arazzo');
export const ARAZZO_SUFFIX = '.arazzo.yaml';
/** The Arazzo extension that names the conformance-suite rules checking the same flow. */
export const SUITE_RULES_EXTENSION = 'x-herald-suite-rules';

// Only the parts of Arazzo 1.0 the tests read.
export interface Criterion {
  condition: string;
  context?: string;
  type?: string | { type: string };
}

export interface Step {
  stepId: string;
  operationId?: string;
  'x-operation'?: { method: string; url: string };
  'x-security'?: Array<{ schemeName?: string; values?: Record<string, string> }>;
  parameters?: Array<{ name: string; in: string; value: unknown }>;
  requestBody?: { contentType?: string; payload?: unknown };
  successCriteria?: Criterion[];
  onSuccess?: Array<{ name: string; type: string; stepId?: string; criteria?: Criterion[] }>;
  outputs?: Record<string, string>;
}

export interface Workflow {
  workflowId: string;
  summary?: string;
  description?: string;
  inputs?: Record<string, unknown>;
  steps: Step[];
  [SUITE_RULES_EXTENSION]?: string[];
}

export interface ArazzoDocument {
  arazzo: string;
  info: { title: string };
  sourceDescriptions: Array<{ name: string; type: string; url: string }>;
  workflows: Workflow[];
  components?: { inputs?: Record<string, Record<string, unknown>> };
}

export interface ArazzoFile {
  /** `key-lifecycle.arazzo.yaml` */
  name: string;
  /** Absolute path. */
  path: string;
  /** Relative to the repository root (what Respect prints and names its results by). */
  repoPath: string;
  document: ArazzoDocument;
}

export function loadArazzoFiles(dir = ARAZZO_DIR): ArazzoFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(ARAZZO_SUFFIX))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      return { name, path, repoPath: relative(REPO_ROOT, path), document: YAML.parse(readFileSync(path, 'utf8')) as ArazzoDocument };
    });
}

/** The workflow's input schema, its `$ref` to `#/components/inputs/…` followed. */
export function inputSchema(document: ArazzoDocument, workflow: Workflow): Record<string, unknown> {
  const inputs = workflow.inputs ?? {};
  const ref = inputs.$ref;
  if (typeof ref !== 'string') return inputs;
  const name = /^#\/components\/inputs\/(.+)$/.exec(ref)?.[1];
  const target = name ? document.components?.inputs?.[name] : undefined;
  if (!target) throw new Error(`${workflow.workflowId}: unresolved inputs ${ref}`);
  return target;
}

/** The names of the inputs a workflow reads (the suite's variable names: HERALD_API_KEY, …). */
export function inputNames(document: ArazzoDocument, workflow: Workflow): string[] {
  return Object.keys((inputSchema(document, workflow).properties ?? {}) as Record<string, unknown>);
}

/** The one OpenAPI source description of a document: the bundled Herald spec. */
export function heraldSource(document: ArazzoDocument): { name: string; type: string; url: string } {
  const sources = document.sourceDescriptions.filter((source) => source.type === 'openapi');
  if (sources.length !== 1) throw new Error(`expected one OpenAPI source description, found ${sources.length}`);
  return sources[0];
}
