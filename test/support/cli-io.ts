// An in-memory Io for running commands in-process.
import type { Io } from "../../src/cli/io.ts";
import { commandDatabaseEnv } from "./backend.ts";

export function memoryIo(stdin = "", env: Record<string, string | undefined> = {}): Io & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    stdin: () => new Response(stdin).body!,
    env: { ...commandDatabaseEnv(), ...env },
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}
