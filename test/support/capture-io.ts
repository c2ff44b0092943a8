// An in-process Io for running commands in tests: captured output, no environment, a given cwd.
import type { Io } from "../../src/cli/io.ts";

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
    env: {},
    cwd,
    out: () => out,
    err: () => err,
  };
}
