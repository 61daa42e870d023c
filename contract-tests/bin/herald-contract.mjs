#!/usr/bin/env node
// The package bin: the suite is written in TypeScript, and Node 20 cannot strip types, so
// register tsx's loader and hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
