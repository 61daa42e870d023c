import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProblemCatalogue, SERVER_PROBLEM_CODES } from '../../src/problems.ts';
import { loadContract } from '../../src/spec.ts';

// A problem without members of its own is written from a head serialized once per code and detail
// (problems.ts): it must be the very bytes JSON.stringify writes for the whole document.

const contract = loadContract();
const catalogue = new ProblemCatalogue(contract.problems);

describe('problem documents', () => {
  it('are the bytes JSON.stringify writes, whatever the detail and request id, cached or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SERVER_PROBLEM_CODES), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (code, detail, requestId) => {
        const kind = contract.problems.get(code)!;
        const whole = JSON.stringify({ type: kind.type, title: kind.title, status: kind.status, detail, code, request_id: requestId });
        // Twice: the first call serializes the head, the second reads it back.
        expect(catalogue.serialize(code, detail, requestId)).toBe(whole);
        expect(catalogue.serialize(code, detail, requestId)).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('keep the members of their own after the common ones', () => {
    const kind = contract.problems.get('validation_failed')!;
    const errors = [{ location: 'body', pointer: '/name', message: 'is too long' }];
    expect(JSON.parse(catalogue.serialize('validation_failed', 'd', 'req_1', { errors }))).toEqual({
      type: kind.type,
      title: kind.title,
      status: kind.status,
      detail: 'd',
      code: 'validation_failed',
      request_id: 'req_1',
      errors,
    });
  });
});
