import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { caseFamilies, issuesOf, resolveDraft, sendable } from '../src/fuzz/request-cases.ts';
import { parsePattern } from '../src/fuzz/pattern.ts';
import { familySeed } from '../src/fuzz/run-family.ts';
import { Contract } from '../src/spec/contract.ts';

/**
 * The schema-derived input, without a server: what each family draws is what it claims — valid
 * for the spec's validator, or broken in the intended keyword and in that part of the request only
 * — and the edges really reach the bounds, in astral characters too.
 */
const contract = Contract.load();
const fuzz = { keyNamePrefix: 'herald-contract 0a1b2c3d ', keyCreation: 'createApiKey' };
const now = Date.parse('2026-11-24T09:30:00Z');
const families = contract.authenticatedOperations.flatMap((op) => caseFamilies(op, contract, fuzz));

describe('schema-derived input', () => {
  test('every operation with input has valid, edge and one-constraint families', () => {
    for (const id of ['listApiKeys', 'createApiKey', 'regenerateApiKey', 'sendNotification']) {
      const kinds = new Set(families.filter((f) => f.op.id === id).map((f) => f.kind));
      expect([...kinds].sort(), id).toEqual(['edge', 'invalid', 'valid']);
    }
    const keywords = new Set(families.filter((f) => f.kind === 'invalid').map((f) => f.keyword));
    for (const keyword of ['type', 'required', 'enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'additionalProperties', 'uniqueItems', 'minItems', 'maxItems', 'maxProperties']) {
      expect(keywords, keyword).toContain(keyword);
    }
  });

  test('valid and edge families draw only what the validator accepts, and most of it is sendable', () => {
    for (const family of families.filter((f) => f.kind !== 'invalid')) {
      const drafts = fc.sample(family.arb, { seed: 7, numRuns: family.kind === 'valid' ? 60 : 3 });
      const cases = drafts.map((d) => resolveDraft(d, family.op, now, fuzz)).filter(sendable);
      expect(cases.length, family.label).toBeGreaterThan(0);
      const invalid = cases.map((c) => issuesOf(c, family.op, contract)).filter((issues) => issues.length > 0);
      // A few draws the validator refuses are expected (they are not sent); most must be valid.
      expect(invalid.length, `${family.op.id} ${family.label}: ${JSON.stringify(invalid[0])}`).toBeLessThanOrEqual(cases.length / 2);
    }
  });

  test('invalid families break the intended keyword, in the intended part only', () => {
    for (const family of families.filter((f) => f.kind === 'invalid')) {
      const cases = fc.sample(family.arb, { seed: 11, numRuns: 6 }).map((d) => resolveDraft(d, family.op, now, fuzz)).filter(sendable);
      const meant = cases.filter((c) => {
        const issues = issuesOf(c, family.op, contract);
        return issues.some((i) => i.keyword === family.keyword && i.location === family.location) && issues.every((i) => i.location === family.location);
      });
      expect(meant.length, `${family.op.id}: ${family.label}`).toBeGreaterThan(0);
    }
  });

  test('edges reach the exact bounds, in code points, astral characters included', () => {
    const edge = families.find((f) => f.op.id === 'createApiKey' && f.kind === 'edge' && /astral characters \(its maximum\)/.test(f.label) && f.label.includes('/name'))!;
    const [draft] = fc.sample(edge.arb, { seed: 3, numRuns: 1 });
    const name = (resolveDraft(draft, edge.op, now, fuzz).body as { name: string }).name;
    expect(name.startsWith(fuzz.keyNamePrefix)).toBe(true);
    expect([...name].length).toBe(100);
    expect(name.length).toBeGreaterThan(100);
    const limit = families.find((f) => f.op.id === 'listApiKeys' && f.label.includes('= 100 (its maximum)'))!;
    expect(fc.sample(limit.arb, { seed: 1, numRuns: 1 })[0].query.limit).toBe('100');
  });

  test('the same seed draws the same cases; families have their own seeds', () => {
    const family = families.find((f) => f.op.id === 'sendNotification' && f.kind === 'valid')!;
    const a = fc.sample(family.arb, { seed: familySeed(42, family), numRuns: 20 });
    const b = fc.sample(family.arb, { seed: familySeed(42, family), numRuns: 20 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(familySeed(42, family)).not.toBe(familySeed(43, family));
  });

  test('patterns are read over the whole of Unicode', () => {
    expect(parsePattern('^[^\\x00-\\x1F\\x7F]*$')).toMatchObject({ prefix: '', cls: { negated: true, ranges: [[0, 0x1f], [0x7f, 0x7f]] }, min: 0, max: Infinity });
    expect(parsePattern('^key_[0-9A-Za-z]{24}$')).toMatchObject({ prefix: 'key_', min: 24, max: 24, openEnd: false });
    expect(parsePattern('^https://')).toMatchObject({ prefix: 'https://', openEnd: true });
    expect(parsePattern('^(a|b)$')).toBeUndefined();
  });
});
