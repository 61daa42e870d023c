#!/usr/bin/env -S node --
// `node --` ends Node's own options: Node 20–24 take an `--env-file` anywhere in their arguments
// (nodejs/node#54232), even after the script, and exit 9 when the file is missing; with `--` the
// suite reads its `--env-file` itself.
import { main } from './main.ts';
import { shapeRedactor } from './redact.ts';
import { EXIT } from './results.ts';

// Entry point of `npm run contract` and of the `herald-contract` bin. A leading `--` is dropped:
// `npx herald-contract -- --env-file F` is how to keep the Node process that runs npx itself from
// taking `--env-file` (the same Node bug, one process earlier, where the shebang cannot help).
const args = process.argv.slice(2);
main(args[0] === '--' ? args.slice(1) : args).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`herald-contract crashed: ${shapeRedactor.redact((error as Error).stack ?? String(error))}\n`);
    process.exitCode = EXIT.error;
  },
);
