#!/usr/bin/env -S node --
// `node --` ends Node's own options: Node 20–24 take an `--env-file` anywhere in their arguments
// (nodejs/node#54232), even after the script, and exit 9 when the file is missing; with `--` the
// suite reads its `--env-file` itself.
import { main } from './main.ts';
import { shapeRedactor } from './redact.ts';
import { EXIT } from './results.ts';

// Entry point of `npm run contract` and of the `herald-contract` bin.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`herald-contract crashed: ${shapeRedactor.redact((error as Error).stack ?? String(error))}\n`);
    process.exitCode = EXIT.error;
  },
);
