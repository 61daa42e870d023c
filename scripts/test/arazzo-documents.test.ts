import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../contract-tests/src/rule-catalogue.ts';
import { Contract } from '../../contract-tests/src/spec/contract.ts';
import { startReferenceServer, type ReferenceServer } from '../../mock/src/testing.ts';
import { ARAZZO_DIR, heraldSource, inputNames, inputSchema, loadArazzoFiles, SUITE_RULES_EXTENSION, type Step } from '../arazzo/arazzo-documents.ts';
import { rewriteSourceUrls } from '../arazzo/package-arazzo.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';

// The workflows say what the spec says: every operation, security scheme, status, error code,
// header and scope a step names is the spec's, for that operation; their inputs are the
// variables the reference server writes and the conformance suite reads; the suite rules they
// name exist (arazzo-proof.test.ts then holds each workflow to those rules' faults). Also: the
// README lists every workflow, and the packaged copies point at the packaged spec.

const files = loadArazzoFiles();
const contract = Contract.load();
const securitySchemes = ((contract.spec.root.components as Record<string, unknown>).securitySchemes ?? {}) as Record<string, { type: string }>;
const steps = files.flatMap((file) => file.document.workflows.flatMap((workflow) => workflow.steps.map((step) => ({ file, workflow, step }))));
const apiSteps = steps.filter(({ step }) => step.operationId);

/** Every criterion condition and context, and every output expression, of a step. */
function expressions(step: Step): string[] {
  const criteria = [...(step.successCriteria ?? []), ...(step.onSuccess ?? []).flatMap((action) => action.criteria ?? [])];
  return [...criteria.flatMap((c) => [c.condition, c.context ?? '']), ...Object.values(step.outputs ?? {})];
}
const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]);

describe('the Arazzo documents', () => {
  it('point at the bundled spec and name each operation it has', () => {
    for (const file of files) {
      expect(resolve(dirname(file.path), heraldSource(file.document).url), file.name).toBe(join(REPO_ROOT, 'generated', 'openapi.json'));
    }
    expect(apiSteps.length).toBeGreaterThan(0);
    for (const { workflow, step } of apiSteps) expect(contract.operations.map((op) => op.id), `${workflow.workflowId}/${step.stepId}`).toContain(step.operationId);
  });

  it('send the key as each security scheme of the operation says', () => {
    const forms = new Map(contract.credentialForms.map((form) => [form.scheme, form]));
    for (const { workflow, step } of apiSteps) {
      const where = `${workflow.workflowId}/${step.stepId}`;
      const operation = contract.operation(step.operationId!);
      expect(step['x-security'], where).toHaveLength(1);
      for (const security of step['x-security'] ?? []) {
        expect(operation.securitySchemes, where).toContain(security.schemeName);
        const form = forms.get(security.schemeName!)!;
        const value = Object.values(security.values ?? {})[0];
        // Respect writes an http scheme's word itself ("Bearer …"); an apiKey scheme's value is
        // the whole header, so it carries the scheme word the spec names (ApiKey), if any.
        const word = securitySchemes[security.schemeName!].type === 'apiKey' ? form.authScheme : undefined;
        expect(value, where).toMatch(word ? new RegExp(`^${word} \\{\\$[^}]+\\}$`) : /^\$\S+$/);
      }
    }
  });

  it('expect only statuses the operation documents, and each error code with its status', () => {
    let codes = 0;
    for (const { workflow, step } of apiSteps) {
      const where = `${workflow.workflowId}/${step.stepId}`;
      const operation = contract.operation(step.operationId!);
      const text = expressions(step).join('\n');
      const statuses = all(text, /\$statusCode == (\d{3})/g);
      for (const status of statuses) expect([...operation.responses.keys()], where).toContain(status);
      for (const code of all(text, /\$response\.body#\/code == '([a-z_]+)'/g)) {
        const { status } = contract.problem(code);
        expect(operation.responses.get(String(status))?.problemCodes, `${where}: ${code}`).toContain(code);
        const errorStatuses = statuses.filter((s) => Number(s) >= 400);
        if (errorStatuses.length > 0) expect(errorStatuses, `${where}: ${code}`).toEqual([String(status)]);
        codes += 1;
      }
    }
    expect(codes).toBeGreaterThan(5);
  });

  it('read only headers the operation documents', () => {
    for (const { workflow, step } of apiSteps) {
      const documented = [...contract.operation(step.operationId!).responses.values()].flatMap((r) => r.headers.map((h) => h.name.toLowerCase()));
      for (const name of all(expressions(step).join('\n'), /\$response\.header\.([A-Za-z0-9-]+)/g)) {
        expect(documented, `${workflow.workflowId}/${step.stepId}`).toContain(name.toLowerCase());
      }
    }
  });

  it('name only the spec\'s scopes', () => {
    const named = steps.flatMap(({ step }) => [
      ...JSON.stringify(step.requestBody?.payload ?? {}).matchAll(/"([a-z]+:[a-z]+)"/g),
      ...expressions(step).join('\n').matchAll(/'([a-z]+:[a-z]+)'/g),
    ].map((match) => match[1]));
    expect(named.length).toBeGreaterThan(0);
    for (const scope of named) expect(contract.scopes).toContain(scope);
  });

  it('name suite rules that exist, for every workflow', () => {
    for (const file of files) {
      for (const workflow of file.document.workflows) {
        const rules = workflow[SUITE_RULES_EXTENSION] ?? [];
        expect(rules.length, workflow.workflowId).toBeGreaterThan(0);
        for (const rule of rules) expect(Object.keys(RULES), workflow.workflowId).toContain(rule);
      }
    }
  });
});

describe('the inputs', () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    server = await startReferenceServer({ logLevel: 'silent' });
  });
  afterAll(() => server.close());

  it('are variables the reference server writes with --env-out, keys marked format: password', () => {
    for (const file of files) {
      for (const workflow of file.document.workflows) {
        const names = inputNames(file.document, workflow);
        const properties = inputSchema(file.document, workflow).properties as Record<string, { format?: string }>;
        expect(names.length, workflow.workflowId).toBeGreaterThan(0);
        for (const name of names) {
          expect(Object.keys(server.env), workflow.workflowId).toContain(name);
          // Respect masks in its output, JSON log and HAR every input marked `format: password`.
          if (name.endsWith('_KEY')) expect(properties[name].format, `${workflow.workflowId}: ${name}`).toBe('password');
        }
        const used = new Set(all(JSON.stringify(workflow.steps), /\$inputs\.([A-Z_]+)/g));
        expect([...used].filter((name) => !names.includes(name)), workflow.workflowId).toEqual([]);
      }
    }
  });
});

describe('openapi/arazzo/README.md', () => {
  const readme = readFileSync(join(ARAZZO_DIR, 'README.md'), 'utf8');

  it('lists every workflow, with its file, and no other', () => {
    const listed = [...readme.matchAll(/^\| `([a-z0-9-]+)` \| `([a-z0-9-]+\.arazzo\.yaml)` \|/gm)].map((m) => `${m[2]} ${m[1]}`);
    expect(listed.sort()).toEqual(files.flatMap((file) => file.document.workflows.map((w) => `${file.name} ${w.workflowId}`)).sort());
  });
});

describe('rewriteSourceUrls (the packaged copies)', () => {
  it('points the OpenAPI source description at another url and changes nothing else', () => {
    for (const file of files) {
      const text = readFileSync(file.path, 'utf8');
      const packaged = rewriteSourceUrls(text, '../openapi.json');
      expect(heraldSource(YAML.parse(packaged)).url).toBe('../openapi.json');
      expect(packaged.split('\n').filter((line, i) => line !== text.split('\n')[i])).toEqual([`    url: ../openapi.json`]);
      expect(rewriteSourceUrls(text, heraldSource(file.document).url)).toBe(text);
    }
  });

  it('rewrites every OpenAPI source description and leaves an Arazzo one alone', () => {
    const text = [
      'arazzo: 1.0.1',
      'sourceDescriptions:',
      '  - name: a',
      '    type: openapi',
      '    url: ./a.json # the first',
      '  - name: flows',
      '    type: arazzo',
      '    url: ./flows.arazzo.yaml',
      '  - name: b',
      '    type: openapi',
      '    url: ./b.json',
      '',
    ].join('\n');
    const sources = YAML.parse(rewriteSourceUrls(text, '../openapi.json')).sourceDescriptions as Array<{ url: string }>;
    expect(sources.map((s) => s.url)).toEqual(['../openapi.json', './flows.arazzo.yaml', '../openapi.json']);
    expect(rewriteSourceUrls(text, '../openapi.json')).toContain('# the first');
  });

  it('refuses a document with no OpenAPI source description, or not YAML', () => {
    expect(() => rewriteSourceUrls('arazzo: 1.0.1\nsourceDescriptions: []\n', 'x')).toThrow(/no OpenAPI source description/);
    expect(() => rewriteSourceUrls('arazzo: [1.0.1\n', 'x')).toThrow(/not valid YAML/);
  });
});
