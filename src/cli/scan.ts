// `railyard scan [FILE]` and `railyard scan --jsonl [FILE]` (DESIGN.md 3.1): scan text locally for
// PII and secrets. Prints where and what kind, never the matched value.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { scan, type Finding } from "../scanner/index.ts";
import { lines, readAll, type Command, type Io } from "./io.ts";

const HELP = `Usage: railyard scan [FILE]
       railyard scan --jsonl [FILE]

Scan text for PII and secrets, locally. Reads FILE, or standard input when FILE is absent or "-".

Text mode prints one line per finding, never the matched value:
  LINE:COLUMN kind (category)
JSONL mode reads lines {"id": "...", "text": "..."} and writes one line per input:
  {"id": "...", "findings": [{"kind": "...", "category": "pii"|"secret", "start": N, "end": N}]}
  (start/end are UTF-16 offsets into text). A malformed line gets {"id": ..., "error": "..."}.

Exit status: 0 nothing found, 1 something found, 2 bad usage, unreadable input or a malformed line.
`;

interface Args {
  jsonl: boolean;
  file: string | undefined;
  help: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { jsonl: false, file: undefined, help: false };
  let positional = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--jsonl") args.jsonl = true;
    else if (arg === "--") {
      for (const rest of argv.slice(i + 1)) {
        args.file = rest;
        positional++;
      }
      break;
    } else if (arg.startsWith("-") && arg !== "-") return `unknown option ${arg}`;
    else {
      args.file = arg;
      positional++;
    }
  }
  if (positional > 1) return "expected at most one FILE";
  return args;
}

/** The input stream: the file (checked to be a readable regular file) or stdin. */
async function openInput(file: string | undefined, io: Io): Promise<ReadableStream<Uint8Array> | string> {
  if (file === undefined || file === "-") return io.stdin();
  const path = resolve(io.cwd, file);
  try {
    const info = await stat(path);
    if (!info.isFile()) return `cannot read ${file}: not a regular file`;
    return Bun.file(path).stream();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return `cannot read ${file}: ${code === "ENOENT" ? "no such file" : code}`;
  }
}

/** 1-based line and column (in code points) of each finding, computed in one pass over the text. */
function positions(text: string, findings: readonly Finding[]): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  let line = 1;
  let lineStart = 0;
  let cursor = 0;
  for (const f of findings) {
    for (; cursor < f.start; cursor++) {
      if (text.charCodeAt(cursor) === 10) {
        line++;
        lineStart = cursor + 1;
      }
    }
    let column = 1;
    for (let i = lineStart; i < f.start; i++) {
      const c = text.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) column++; // count a surrogate pair once
    }
    out.push({ line, column });
  }
  return out;
}

async function scanText(input: ReadableStream<Uint8Array>, io: Io): Promise<number> {
  const text = await readAll(input);
  const findings = scan(text);
  const where = positions(text, findings);
  findings.forEach((f, i) => io.stdout(`${where[i]!.line}:${where[i]!.column} ${f.kind} (${f.category})\n`));
  return findings.length > 0 ? 1 : 0;
}

type ParsedLine = { id: string | number; text: string } | { id: string | number | null; error: string };

function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, error: "line is not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { id: null, error: "line is not a JSON object" };
  const { id, text } = value as { id?: unknown; text?: unknown };
  const validId = typeof id === "string" || typeof id === "number" ? id : null;
  if (validId === null) return { id: null, error: '"id" must be a string or a number' };
  if (typeof text !== "string") return { id: validId, error: '"text" must be a string' };
  return { id: validId, text };
}

async function scanJsonl(input: ReadableStream<Uint8Array>, io: Io): Promise<number> {
  let found = false;
  let malformed = false;
  for await (const line of lines(input)) {
    if (line.trim() === "") continue;
    const parsed = parseLine(line);
    if ("error" in parsed) {
      malformed = true;
      io.stdout(JSON.stringify(parsed) + "\n");
      continue;
    }
    const findings = scan(parsed.text).map(({ kind, category, start, end }) => ({ kind, category, start, end }));
    if (findings.length > 0) found = true;
    io.stdout(JSON.stringify({ id: parsed.id, findings }) + "\n");
  }
  return malformed ? 2 : found ? 1 : 0;
}

export const scanCommand: Command = async (argv, io) => {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    io.stderr(`railyard scan: ${args} (see railyard scan --help)\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(HELP);
    return 0;
  }
  const input = await openInput(args.file, io);
  if (typeof input === "string") {
    io.stderr(`railyard scan: ${input}\n`);
    return 2;
  }
  try {
    return args.jsonl ? await scanJsonl(input, io) : await scanText(input, io);
  } catch (error) {
    io.stderr(`railyard scan: failed reading input: ${(error as Error).message}\n`);
    return 2;
  }
};
