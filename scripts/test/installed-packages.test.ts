// The packages as a user gets them: `npm run pack`, then, in an empty folder outside the
// repository, `npm install` of the tarballs (and of nothing else from here: no path, symlink,
// workspace link or file: reference into the repository), and then what each kind of user does —
// import the client with plain node, compile a TypeScript app against it, start the mock, run the
// conformance suite — on this Node and on the other supported Node lines.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../contract-tests/proof/fault-proxy.ts';
import { FAULTS } from '../../contract-tests/proof/faults.ts';
import { readEnvFile } from '../../contract-tests/src/runner/env-file.ts';
import { listOperations, type JsonObject } from '../generate/openapi-document.ts';
import { SAMPLES_DIR } from '../generate/code-samples.ts';
import { REPO_ROOT } from '../generate/repo-root.ts';
import { CAN_RUN_NODE_LINES, nodeBinary, NODE_LINES } from '../packages/node-lines.ts';
import { PACKAGES_DIR } from '../packages/pack.ts';
import { tarballName, WORKSPACES } from '../packages/workspaces.ts';

// Installs, compiles and whole suite runs: minutes on a busy two-core machine, not seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const execFileAsync = promisify(execFile);
const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'generated', 'openapi.json'), 'utf8')) as JsonObject;
const version = (spec.info as { version: string }).version;
const tarballs = WORKSPACES.map((w) => ({ ...w, path: join(PACKAGES_DIR, tarballName(w.name, version)) }));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the user's project; never throws on a non-zero exit. */
async function run(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string; path?: string } = {}): Promise<Ran> {
  const env = { ...cleanEnv(), ...options.env };
  if (options.path) env.PATH = `${options.path}:${env.PATH}`;
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd: options.cwd ?? project, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

/** The environment without npm's own variables (a test runs under `npm test`) or HERALD_ ones. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(npm_|HERALD_|INIT_CWD$|NODE_OPTIONS$)/i.test(name)) env[name] = value;
  }
  return { ...env, NO_COLOR: '1' };
}

/** A plain-JavaScript app: the client and the SDK against the running mock. */
const CLIENT_CHECK = `import { createHeraldClient } from '@herald/client';
import { client, getEnvironment } from '@herald/client/sdk';

const herald = createHeraldClient({ baseUrl: process.env.HERALD_BASE_URL, apiKey: process.env.HERALD_API_KEY, scheme: 'X-API-Key' });
const pinged = await herald.GET('/ping');
if (pinged.error) throw new Error(pinged.error.code);
client.setConfig({ baseUrl: process.env.HERALD_BASE_URL, auth: (scheme) => (scheme.scheme === 'bearer' ? process.env.HERALD_API_KEY : undefined) });
const environment = await getEnvironment();
if (environment.error) throw new Error(environment.error.code);
console.log(JSON.stringify({ prefix: pinged.data.data.key.prefix, environment: environment.data.data.id, node: process.version }));
`;

/**
 * The installed client and SDK against a server that redirects to another origin, with the key
 * in each of the three forms: the redirect is refused and nothing reaches the other origin (on
 * every Node line: each has its own fetch).
 */
const REDIRECT_CHECK = `import { createServer } from 'node:http';
import { createHeraldClient, HeraldRedirectError } from '@herald/client';
import { createHeraldSdkClient, ping } from '@herald/client/sdk';

const listen = (handler) => new Promise((resolve) => {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1', () => resolve(server));
});
let reachedElsewhere = 0;
const elsewhere = await listen((request, response) => {
  reachedElsewhere++;
  response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});
const redirecting = await listen((request, response) => {
  response.writeHead(307, { location: \`http://127.0.0.1:\${elsewhere.address().port}/v1/ping\` }).end();
});
const baseUrl = \`http://127.0.0.1:\${redirecting.address().port}/v1\`;
const apiKey = process.env.HERALD_API_KEY;
const outcome = (error) => (error instanceof HeraldRedirectError ? 'refused' : \`not refused: \${error}\`);
const results = {};
for (const scheme of ['ApiKey', 'Bearer', 'X-API-Key']) {
  const client = await createHeraldClient({ baseUrl, apiKey, scheme }).GET('/ping').then(() => 'followed', outcome);
  const sdk = outcome((await ping({ client: createHeraldSdkClient({ baseUrl, apiKey, scheme }) })).error);
  results[scheme] = [client, sdk];
}
redirecting.close();
elsewhere.close();
console.log(JSON.stringify({ results, reachedElsewhere }));
`;
const REFUSED_EVERYWHERE = { results: { ApiKey: ['refused', 'refused'], Bearer: ['refused', 'refused'], 'X-API-Key': ['refused', 'refused'] }, reachedElsewhere: 0 };

let project: string;
let mock: ChildProcess | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  const packed = await run('npm', ['run', 'pack'], { cwd: REPO_ROOT });
  expect(packed.code, packed.stderr).toBe(0);

  project = mkdtempSync(join(tmpdir(), 'herald-user-'));
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'herald-user-app', private: true, type: 'module' }, null, 2)}\n`);
  const devTools = ['typescript', '@types/node'].map((name) => `${name}@${rootManifest.devDependencies[name]}`);
  const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => t.path), ...devTools]);
  expect(installed.code, installed.stderr).toBe(0);

  mock = spawn('npx', ['herald-mock', '--port', '0', '--host', '127.0.0.1', '--env-out', 'f.env', '--log-level', 'warn'], { cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`herald-mock did not start:\n${output}`)), 180_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Stop with Ctrl-C.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    mock!.stdout!.on('data', read);
    mock!.stderr!.on('data', read);
    mock!.once('exit', (code) => reject(new Error(`herald-mock exited with ${code}:\n${output}`)));
  });
  env = readEnvFile(join(project, 'f.env'));
  writeFileSync(join(project, 'client-check.mjs'), CLIENT_CHECK);
  writeFileSync(join(project, 'redirect-check.mjs'), REDIRECT_CHECK);
});

afterAll(async () => {
  if (mock && mock.exitCode === null) {
    const exited = new Promise((resolve) => mock!.once('exit', resolve));
    mock.kill('SIGTERM');
    await exited;
  }
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('npm run pack', () => {
  it('writes one tarball per package, named as npm pack names them', () => {
    const written = readdirSync(PACKAGES_DIR).filter((name) => name.endsWith('.tgz')).sort();
    expect(written).toEqual(expect.arrayContaining(tarballs.map((t) => tarballName(t.name, version))));
  });

  it.each(tarballs.map((t) => [t.name, t] as const))('%s holds its package.json, README and dist/ only: compiled JavaScript, declarations and the files it ships', async (_name, tarball) => {
    const listed = (await run('tar', ['-tzf', tarball.path])).stdout.trim().split('\n');
    const outside = listed.filter((entry) => !/^package\/(package\.json|README\.md|LICENSE|dist\/.+)$/.test(entry));
    expect(outside).toEqual([]);
    const sources = listed.filter((entry) => /\.(ts|mts|cts)$/.test(entry) && !entry.endsWith('.d.ts'));
    expect(sources).toEqual([]);
    expect(listed.some((entry) => /(^|\/)(test|proof|mutation)\//.test(entry))).toBe(false);
    for (const { to } of tarball.assets) expect(listed).toContain(`package/${to}`);
  });
});

describe('installed from the tarballs into an empty project', () => {
  it('links nothing into the repository', () => {
    for (const { name } of WORKSPACES) {
      const installedAt = join(project, 'node_modules', name);
      expect(lstatSync(installedAt).isSymbolicLink(), name).toBe(false);
      expect(realpathSync(installedAt).startsWith(REPO_ROOT)).toBe(false);
    }
  });

  it('@herald/client depends on openapi-fetch alone', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', '@herald', 'client', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['openapi-fetch']);
  });

  it('@herald/openapi serves each document under its own exports entry', async () => {
    writeFileSync(join(project, 'documents.mjs'), [
      "for (const entry of ['openapi.json', 'openapi.yaml', 'openapi-3.0.json']) {",
      "  console.log(entry, new URL(import.meta.resolve(`@herald/openapi/${entry}`)).pathname);",
      '}',
    ].join('\n'));
    const { code, stdout, stderr } = await run('node', ['documents.mjs']);
    expect(code, stderr).toBe(0);
    const paths = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(' ')));
    expect(JSON.parse(readFileSync(paths['openapi.json'], 'utf8'))).toEqual(spec);
    expect(JSON.parse(readFileSync(paths['openapi-3.0.json'], 'utf8')).openapi).toMatch(/^3\.0\./);
    expect(readFileSync(paths['openapi.yaml'], 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'generated', 'openapi.yaml'), 'utf8'));
  });

  it('@herald/openapi ships the Arazzo workflows pointing at the openapi.json beside them', async () => {
    const workflows = readdirSync(join(REPO_ROOT, 'openapi', 'arazzo')).filter((name) => name.endsWith('.arazzo.yaml'));
    expect(workflows.length).toBeGreaterThan(0);
    writeFileSync(join(project, 'workflows.mjs'), `for (const name of ${JSON.stringify(workflows)}) console.log(new URL(import.meta.resolve('@herald/openapi/arazzo/' + name)).pathname);`);
    const { code, stdout, stderr } = await run('node', ['workflows.mjs']);
    expect(code, stderr).toBe(0);
    for (const path of stdout.trim().split('\n')) {
      const url = /^\s*url: (\S+)$/m.exec(readFileSync(path, 'utf8'))?.[1];
      expect(JSON.parse(readFileSync(join(dirname(path), url!), 'utf8'))).toEqual(spec);
    }
  });
});

describe('an application developer', () => {
  it('imports @herald/client and its SDK with plain node and calls the reference server', async () => {
    const { code, stdout, stderr } = await run('node', ['client-check.mjs'], { env });
    expect(code, stderr).toBe(0);
    const printed = JSON.parse(stdout);
    expect(env.HERALD_API_KEY.startsWith(printed.prefix)).toBe(true);
    expect(printed.environment).toMatch(/^env_/);
  });

  it('never follows a redirect to another origin, in the client or the SDK, whatever the header form', async () => {
    const { code, stdout, stderr } = await run('node', ['redirect-check.mjs'], { env });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual(REFUSED_EVERYWHERE);
  });

  const app = `import { createHeraldClient, type components } from '@herald/client';
import { client, createApiKey, ping } from '@herald/client/sdk';

const herald = createHeraldClient({ baseUrl: 'http://localhost:4010/v1', apiKey: process.env.HERALD_API_KEY, scheme: 'Bearer' });
const pong = await herald.GET('/ping');
if (pong.data) console.log(pong.data.data.key.prefix);
const created = await herald.POST('/api-keys', {
  params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
  body: { name: 'Billing service', scopes: ['notifications:write'] },
});
const key: components['schemas']['ApiKeyWithSecret'] | undefined = created.data?.data;
console.log(key?.secret.length);
client.setConfig({ baseUrl: 'http://localhost:4010/v1', auth: () => process.env.HERALD_API_KEY });
const sdkPong = await ping();
console.log(sdkPong.data?.data.environment.name);
await createApiKey({ body: { name: 'Another' }, headers: { 'Idempotency-Key': crypto.randomUUID() } });
// @ts-expect-error: a path the spec does not have must not compile
await herald.GET('/no-such-path');
`;
  it.each([
    ['module nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['moduleResolution bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('compiles a strict TypeScript app using createHeraldClient and the SDK under %s', async (label, modes) => {
    const folder = join(project, `app-${modes.moduleResolution}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'app.ts'), app);
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { ...modes, target: 'es2022', strict: true, noEmit: true, lib: ['es2022', 'dom'], types: ['node'], skipLibCheck: false },
      files: ['app.ts'],
    }));
    const { code, stdout } = await run('npx', ['tsc', '-p', folder]);
    expect(code, `${label}:\n${stdout}`).toBe(0);
  });

  it("type-checks the docs' code samples against the installed packages, and runs them against herald-mock", async () => {
    const folder = join(project, 'samples');
    cpSync(join(REPO_ROOT, SAMPLES_DIR), folder, { recursive: true, filter: (source) => !source.endsWith('.sh') });
    writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, lib: ['es2022', 'dom'], types: ['node'], outDir: 'out' },
      include: ['*.ts'],
    }));
    const compiled = await run('npx', ['tsc', '-p', folder]);
    expect(compiled.code, compiled.stdout).toBe(0);
    const standalone = listOperations(spec).filter((operation) => !operation.parameters.some((p) => p.in === 'path'));
    expect(standalone.length).toBeGreaterThan(0);
    for (const operation of standalone) {
      for (const flavour of ['openapi-fetch', 'hey-api']) {
        const ran = await run('node', [join(folder, 'out', `${operation.operationId}.${flavour}.js`)], { env });
        const security = operation.object.security;
        if (Array.isArray(security) && security.length === 0) {
          // The signed leaked-key report: its samples send the spec's example signature, which the
          // mock does not trust, and fail cleanly with the documented refusal.
          expect(ran.stderr, `${operation.operationId}.${flavour}`).toMatch(/401 invalid_report_signature/);
          continue;
        }
        expect(ran.code, `${operation.operationId}.${flavour}: ${ran.stderr}`).toBe(0);
        expect(ran.stdout.trim().length, `${operation.operationId}.${flavour}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('a developer starting the mock', () => {
  it('npx herald-mock --env-out wrote what the suite needs', () => {
    expect(env.HERALD_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(env.HERALD_API_KEY).toMatch(/^hk_test_/);
  });

  it('a missing fixture is one line and exit 2; a busy port is one line and exit 1', async () => {
    const missing = await run('npx', ['herald-mock', '--port', '0', '--fixture', 'no-such-fixture.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^herald-mock: invalid fixture: cannot read no-such-fixture\.json: no such file\n$/);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = busy.address() as AddressInfo;
      const taken = await run('npx', ['herald-mock', '--port', String(port), '--host', '127.0.0.1']);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/^herald-mock: port \d+ on 127\.0\.0\.1 is already in use: .*\n$/);
    } finally {
      busy.close();
    }
  });

  it('herald-mock prism without Prism installed says how to install it, exit 1', async () => {
    const ran = await run('npx', ['herald-mock', 'prism', '--port', '0']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/^herald-mock: Prism is not installed; .*npm install --save-dev @stoplight\/prism-cli@\d+\.\d+\.\d+\n$/);
  });
});

describe('a QA team running the suite', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    const fault = FAULTS.find((f) => f.name === 'accepts-missing-key')!;
    proxy = await startFaultProxy(new URL(env.HERALD_BASE_URL).origin, fault, env);
  });
  afterAll(() => proxy?.close());

  it('npx herald-contract --env-file passes against herald-mock', async () => {
    const ran = await run('npx', ['herald-contract', '--env-file', 'f.env']);
    expect(ran.code, ran.stdout.slice(-3000)).toBe(0);
    expect(ran.stdout).toMatch(/Result: PASS \(exit 0\)/);
  });

  it('fails (exit 1) against a broken target, naming the rule', async () => {
    const broken = { ...env, HERALD_BASE_URL: `${proxy.origin}${new URL(env.HERALD_BASE_URL).pathname}` };
    writeFileSync(join(project, 'broken.env'), Object.entries(broken).map(([k, v]) => `${k}=${v}\n`).join(''));
    const ran = await run('npx', ['herald-contract', '--env-file', 'broken.env']);
    expect(ran.code, ran.stdout.slice(-3000)).toBe(1);
    expect(ran.stdout).toMatch(/✗ FAIL\s+auth\.missing-key/);
  });

  it('says in one line, exit 2, that an --env-file is missing (npx -- keeps Node from taking the option)', async () => {
    const ran = await run('npx', ['herald-contract', '--', '--env-file', 'no-such.env']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^herald-contract: Cannot read --env-file no-such\.env: .*\n$/);
    const bin = await run(join(project, 'node_modules', '.bin', 'herald-contract'), ['--env-file', 'no-such.env']);
    expect(bin.code).toBe(2);
    expect(bin.stderr).toMatch(/^herald-contract: Cannot read --env-file no-such\.env: /);
  });

  it('refuses a spec that is not a Herald spec in one line, exit 2', async () => {
    writeFileSync(join(project, 'petstore.json'), JSON.stringify({ openapi: '3.1.0', info: { title: 'Petstore', version: '1' }, paths: { '/pets': { get: { responses: { 200: { description: 'ok' } } } } } }));
    const ran = await run('npx', ['herald-contract', '--env-file', 'f.env', '--spec', 'petstore.json']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^herald-contract: petstore\.json is not a Herald spec: it has no .+\n$/);
    expect(ran.stdout).toBe('');
  });
});

describe.skipIf(!CAN_RUN_NODE_LINES).each(NODE_LINES.map((line) => [line]))('on Node %s', (line) => {
  let nodeDir: string;
  beforeAll(async () => {
    nodeDir = dirname(await nodeBinary(line));
  });

  it('the client imports and calls the reference server', async () => {
    const { code, stdout, stderr } = await run('node', ['client-check.mjs'], { env, path: nodeDir });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).node).toBe(`v${line}`);
  });

  it('the client never follows a redirect to another origin', async () => {
    const { code, stdout, stderr } = await run('node', ['redirect-check.mjs'], { env, path: nodeDir });
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual(REFUSED_EVERYWHERE);
  });

  it('npx herald-contract --help prints the usage', async () => {
    const { code, stdout, stderr } = await run('npx', ['herald-contract', '--help'], { path: nodeDir });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/npx herald-contract/);
  });
});
