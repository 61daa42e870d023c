// What the two commands share: where they write, where they run, and the rule that anything
// going wrong ends in one line and exit 2 — never a stack trace.
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GateInputError } from './load-spec.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Where relative paths on the command line are read from. */
  cwd: string;
  /** The repository root: releases/, generated/, CHANGELOG.md. */
  root: string;
}

export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Runs a command, turning every failure into a one-line message and exit code 2. */
export async function runCommand(name: string, command: Command, argv: string[], io: CliIo): Promise<number> {
  try {
    return await command(argv, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`${name}: ${message.split('\n')[0]!.trim()}\n`);
    return 2;
  }
}

/** Runs `command` when this module is the program (`tsx file.ts`), not when a test imports it. */
export function runAsCli(moduleUrl: string, name: string, command: Command, root: string): void {
  if (!process.argv[1] || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    root,
  };
  void runCommand(name, command, process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}

/** node:util parseArgs, with its errors reworded into the one-line form the commands print. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const option = /option '([^']+)'/.exec(message)?.[1];
    throw new GateInputError(option ? `${/Unknown/.test(message) ? 'unknown option' : 'bad use of option'} ${option} (see --help)` : message.split('.')[0]!);
  }
}
