// The rule catalogue in scripts/breaking-change/README.md is what users read to know what a
// finding means: it must list exactly the rules the gate can report, with their severity and why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, SEVERITIES } from '../../breaking-change/rules.ts';
import { REPO_ROOT } from '../../generate/repo-root.ts';

const readme = readFileSync(join(REPO_ROOT, 'scripts', 'breaking-change', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Rule catalogue'), readme.indexOf('\n## ', readme.indexOf('## Rule catalogue') + 1));
const rows = [...section.matchAll(/^\| `([^`]+)` \| (\w+) \| (.+) \|$/gm)].map(([, id, severity, why]) => ({ id, severity, why: why!.replace(/\\\|/g, '|') }));

describe('the rule catalogue in the README', () => {
  it('lists every rule once, with its severity and why', () => {
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(RULES.map(({ id, severity, why }) => ({ id, severity, why })));
  });

  it('uses only the four severities', () => {
    for (const rule of RULES) expect(SEVERITIES).toContain(rule.severity);
  });

  it('gives every rule a one-line why', () => {
    for (const rule of RULES) expect(rule.why).toMatch(/^[^\n]{10,200}$/);
  });
});
