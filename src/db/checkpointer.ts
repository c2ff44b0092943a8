// Copies the write-ahead log back into the database file on a thread of its own. SQLite's automatic
// checkpoint runs inside the COMMIT that crosses 1,000 pages, on the writer connection: it copies
// the pages and fsyncs the database file while the event loop waits (measured under the MCP load:
// more than half of all COMMIT time). Here the writer's automatic checkpoint is off and a worker
// with its own connection runs PASSIVE checkpoints (which never block the writer) shortly after
// writes, so the log stays small without stalling requests. A checkpoint syncs the log before it
// copies and the database file after it, as SQLite's own does, so nothing acknowledged depends
// on it.

/** The worker's code: plain JavaScript, loaded from a Blob so the compiled binary needs no file of its own. */
const WORKER_SOURCE = `
import { Database } from "bun:sqlite";
let db = null;
self.onmessage = (event) => {
  const message = event.data;
  if (message.kind === "close") {
    try { db?.close(); } catch {}
    db = null;
    postMessage({ kind: "closed" });
    return;
  }
  try {
    if (db === null) {
      db = new Database(message.path, { readwrite: true, create: false });
      db.run("PRAGMA busy_timeout = 5000");
      db.run("PRAGMA synchronous = FULL");
    }
    db.query("PRAGMA wal_checkpoint(PASSIVE)").get();
    postMessage({ kind: "done" });
  } catch (error) {
    postMessage({ kind: "failed", message: String(error && error.message || error).slice(0, 200) });
  }
};
`;

/** How long after a write the next checkpoint may start: one per interval at most. */
export const CHECKPOINT_INTERVAL_MS = 200;

/**
 * Commits before the worker starts: a quiet install (and every short-lived command) never pays
 * for the thread; until then the log holds at most these commits, copied back at close.
 */
export const COMMITS_BEFORE_WORKER = 64;

export interface Checkpointer {
  /** A write committed: a checkpoint follows soon (one at a time, at most one per interval). */
  written(): void;
  /** Checkpoints completed so far (tests). */
  readonly completed: number;
  /** Waits for a running checkpoint, then closes the worker's connection and the worker. */
  close(): Promise<void>;
}

/**
 * Starts the checkpoint worker for the database at `path`. When the worker fails (it cannot open
 * the file, a checkpoint throws), `fallback` runs once: the writer takes over with SQLite's
 * automatic checkpoint, so the log never grows without bound.
 */
export function startCheckpointer(path: string, fallback: (why: string) => void): Checkpointer {
  let worker: Worker | null = null;
  let commits = 0;
  let running = false;
  let pending = false;
  let failed = false;
  let closed = false;
  let completed = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastStarted = 0;
  let settleRun: (() => void) | null = null;
  let closedSignal: (() => void) | null = null;

  const start = (): void => {
    timer = null;
    if (running || failed || closed || !pending) return;
    pending = false;
    running = true;
    lastStarted = performance.now();
    (worker ??= spawn()).postMessage({ kind: "checkpoint", path });
  };
  const schedule = (): void => {
    if (timer !== null || running || failed || closed) return;
    const wait = Math.max(0, CHECKPOINT_INTERVAL_MS - (performance.now() - lastStarted));
    timer = setTimeout(start, wait);
    timer.unref?.();
  };
  const fail = (why: string): void => {
    if (failed) return;
    failed = true;
    try {
      fallback(why);
    } catch {
      // The store closed meanwhile: nothing is left to checkpoint.
    }
  };

  const spawn = (): Worker => {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
    const created = new Worker(url);
    // The worker loads its code after this returns: the URL is revoked at its first answer.
    let revoked = false;
    const loaded = () => {
      if (!revoked) URL.revokeObjectURL(url);
      revoked = true;
    };
    // The worker must not keep the process alive on its own.
    (created as unknown as { unref(): void }).unref();
    created.onmessage = (event: MessageEvent<{ kind: string; message?: string }>) => {
      loaded();
      const message = event.data;
      if (message.kind === "closed") {
        closedSignal?.();
        return;
      }
      running = false;
      if (message.kind === "done") completed++;
      else fail(message.message ?? "checkpoint failed");
      settleRun?.();
      settleRun = null;
      if (pending) schedule();
    };
    created.onerror = (event) => {
      loaded();
      running = false;
      fail(String((event as ErrorEvent).message ?? "checkpoint worker error").slice(0, 200));
      settleRun?.();
      settleRun = null;
    };
    return created;
  };

  return {
    written() {
      pending = true;
      if (worker === null && ++commits < COMMITS_BEFORE_WORKER) return;
      schedule();
    },
    get completed() {
      return completed;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== null) clearTimeout(timer);
      if (running) await new Promise<void>((resolve) => (settleRun = resolve));
      if (worker === null) return;
      if (!failed) {
        await Promise.race([
          new Promise<void>((resolve) => {
            closedSignal = resolve;
            worker!.postMessage({ kind: "close" });
          }),
          new Promise<void>((resolve) => setTimeout(resolve, 2000).unref?.()),
        ]);
      }
      worker.terminate();
    },
  };
}
