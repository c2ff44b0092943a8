// The audit head anchor, one small record in the data dir beside the database (see
// core/audit/anchor.ts). Every backend keeps it the same way: with several nodes, each node's
// data dir holds its own anchor of the shared trail.
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { AnchorFile } from "../core/store.ts";

/** The file, in the data dir, that holds the audit head anchor. */
export const ANCHOR_FILE = "audit.head";

// Fixed length, so each update is one positioned write of one small block over the previous
// record: a reader never sees a truncated file.
const ANCHOR_RECORD_BYTES = 256;

/** The anchor record of a data dir, or null when there is none yet. */
export function loadAnchor(dataDir: string): string | null {
  const path = join(dataDir, ANCHOR_FILE);
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

/** The anchor of `dataDir`; `close()` releases its file. */
export function anchorFile(dataDir: string): AnchorFile & { close(): void } {
  const path = join(dataDir, ANCHOR_FILE);
  let fd: number | null = null;
  return {
    load: () => loadAnchor(dataDir),
    save(record: string): void {
      // Kept open between commits (an open per commit cost more than the write); reopened when
      // the file was removed or replaced meanwhile. Not "w": truncating would leave an empty file.
      if (fd !== null && fstatSync(fd).nlink === 0) {
        closeSync(fd);
        fd = null;
      }
      fd ??= openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
      writeSync(fd, Buffer.from(record.padEnd(ANCHOR_RECORD_BYTES - 1, " ").slice(0, ANCHOR_RECORD_BYTES - 1) + "\n"), 0, ANCHOR_RECORD_BYTES, 0);
    },
    close(): void {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
