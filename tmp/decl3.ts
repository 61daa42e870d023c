import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
const { charArb, anything } = await import('../contract-tests/src/fuzz/characters.ts');
let t = performance.now(); for (let i=0;i<10;i++) charArb('mixed', anything); console.log('charArb mixed x10', performance.now()-t);
t = performance.now(); for (let i=0;i<10;i++) fc.emailAddress(); console.log('email x10', performance.now()-t);
t = performance.now(); for (let i=0;i<10;i++) fc.webUrl({validSchemes:['https'], withQueryParameters:true, withFragments:true}); console.log('url x10', performance.now()-t);
