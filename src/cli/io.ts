/** What a command may touch of its process: injected so tests can run commands in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The whole of standard input as bytes (for `--password-stdin`, `scan` without a file). */
  stdin: () => ReadableStream<Uint8Array>;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** A refusal or failure a command reports as one line (`railyard: <message>`) with its exit code; never a stack. */
export class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** A command: parses its own arguments (after the command name) and returns the exit code. */
export type Command = (argv: string[], io: Io) => Promise<number>;

/** Reads a stream to its end as UTF-8 text. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

/** Yields a stream's lines as they arrive, without holding the whole input in memory. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline !== -1) {
      yield buffered.slice(0, newline).replace(/\r$/, "");
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  }
  buffered += decoder.decode();
  if (buffered.length > 0) yield buffered.replace(/\r$/, "");
}
