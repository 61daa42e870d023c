// Proves the security lint can fail: each Herald rule in .spectral.yaml, and the OWASP ruleset
// it extends, must flag a spec that breaks it. (`npm run lint` shows the real spec passes.)
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

type Finding = { code: string; path: string[] };

function brokenSpec() {
  const spec = JSON.parse(readFileSync(join(root, 'generated/openapi.json'), 'utf8'));
  delete spec.paths['/ping'].get.responses['200'].headers['RateLimit'];
  delete spec.paths['/usage'].get.responses['200'].headers['X-Request-Id'];
  delete spec.components.responses.Unauthorized.headers['WWW-Authenticate'];
  spec.components.responses.NotFound.content['application/json'] = { schema: { type: 'object' } };
  spec.components.schemas.SecretKey.readOnly = false;
  delete spec.components.schemas.ChannelCounts.properties.email.maximum;
  // Names generators would make collide: a parameter named like a schema, a header named like a
  // schema but for case, a schema named like what orval and hey-api derive from `getUsage`.
  spec.components.parameters.KeyId = spec.components.parameters.KeyIdPath;
  spec.components.headers.requestId = spec.components.headers.XRequestId;
  spec.components.schemas.GetUsageResponse = { type: 'object' };
  return spec;
}

describe('security lint (.spectral.yaml)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('flags every rule a broken spec breaks', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(brokenSpec()));
    // spectral exits 1 when it finds errors; the findings are what we assert on.
    const out = await run(join(root, 'node_modules/.bin/spectral'),
      ['lint', file, '--ruleset', join(root, '.spectral.yaml'), '--format', 'json', '--quiet'],
      { cwd: root, maxBuffer: 16 << 20 }).then((r) => r.stdout, (e) => e.stdout as string);
    const findings: Finding[] = JSON.parse(out);
    const at = (code: string) => findings.filter((f) => f.code === code).map((f) => f.path.join('.'));

    expect(at('herald-rate-limit-headers')).toContain('paths./ping.get.responses.200.headers');
    expect(at('herald-request-id')).toContain('paths./usage.get.responses.200.headers');
    expect(at('herald-www-authenticate')).toContain('components.responses.Unauthorized.headers');
    expect(at('herald-problem-json')).toContain('components.responses.NotFound.content');
    expect(at('herald-secret-read-only')).toEqual(['components.schemas.SecretKey.readOnly']);
    expect(at('owasp:api4:2023-integer-limit')).toContain('components.schemas.ChannelCounts.properties.email');
    expect(at('herald-component-names').sort()).toEqual([
      'components.headers.requestId',
      'components.parameters.KeyId',
      'components.schemas.GetUsageResponse',
    ]);
  }, 120_000);
});
