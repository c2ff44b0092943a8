// An in-process Io for running commands in tests: captured output, a given cwd, and no environment
// but the test database's URL when the suite runs on PostgreSQL.
import type { Io } from "../../src/cli/io.ts";
import { commandDatabaseEnv } from "./backend.ts";

export interface CapturedIo extends Io {
  out(): string;
  err(): string;
}

export function captureIo(cwd: string, stdin = ""): CapturedIo {
  let out = "";
  let err = "";
  return {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    stdin: () => new Response(stdin).body!,
    env: commandDatabaseEnv(cwd),
    cwd,
    out: () => out,
    err: () => err,
  };
}
