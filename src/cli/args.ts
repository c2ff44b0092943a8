import { extractFlags, loadConfig, type Config } from "../config.ts";
import type { Io } from "./io.ts";

export class UsageError extends Error {}

/**
 * Splits a command's arguments into the global settings (--data-dir, --log-level, …) and its own
 * options. `spec` names the command's options: true for a value, false for a switch.
 */
export function parseCommandArgs(argv: string[], io: Io, spec: Record<string, boolean>): {
  config: Config;
  options: Map<string, string | true>;
  positional: string[];
} {
  const { flags, rest } = extractFlags(argv);
  const config = loadConfig(flags, io.env, io.cwd);
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--") {
      positional.push(...rest.slice(i + 1));
      break;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      positional.push(arg);
      continue;
    }
    const name = match[1]!;
    if (!(name in spec)) throw new UsageError(`unknown option --${name}`);
    if (spec[name]) {
      const value = match[2] ?? rest[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      options.set(name, true);
    }
  }
  return { config, options, positional };
}
