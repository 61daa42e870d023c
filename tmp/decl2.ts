import { performance } from 'node:perf_hooks';
const { Contract } = await import('../contract-tests/src/spec/contract.ts');
const { caseFamilies } = await import('../contract-tests/src/fuzz/request-cases.ts');
const contract = Contract.load();
for (const op of contract.authenticatedOperations) {
  const t = performance.now();
  const f = caseFamilies(op, contract, { keyNamePrefix: 'herald-contract abcd1234 ', keyCreation: 'createApiKey' });
  console.log(op.id, f.length, Math.round(performance.now() - t));
}
