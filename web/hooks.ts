import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { plainError } from "./errors.ts";

export interface Resource<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  /** Refetches; keeps showing the current data meanwhile (no flash on live updates). */
  reload: () => void;
}

/** Loads `loader()` when `deps` change; stale answers from an earlier call are dropped. */
export function useResource<T>(loader: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const call = useRef(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  const run = useCallback(() => {
    const id = ++call.current;
    setState((s) => ({ ...s, loading: true }));
    loaderRef.current().then(
      (data) => id === call.current && setState({ data, error: null, loading: false }),
      (error: Error) => id === call.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, []);
  useEffect(() => {
    setState({ data: undefined, error: null, loading: true });
    run();
  }, deps);
  return { ...state, reload: run };
}

/**
 * Wraps an async action with a busy flag and its error: `error` in plain words, `failure` the raw
 * error (for a form that puts each field's message on the field).
 */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): { run: (...args: A) => Promise<boolean>; busy: boolean; error: string | null; failure: unknown; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setFailure(null);
    try {
      await action(...args);
      return true;
    } catch (e) {
      setFailure(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error: failure ? plainError(failure) : null, failure, clear: () => setFailure(null) };
}

/** A cursor-paged list: the pages loaded so far, the server's total, and `more()` to append the next page. */
export interface Paged<T> extends Resource<T[]> {
  total: number | undefined;
  hasMore: boolean;
  loadingMore: boolean;
  more: () => void;
}

/**
 * Loads the first page when `deps` change; `more()` follows the server's cursor. `reload()` (a live
 * change) fetches again as many pages as are shown, so a person who pressed "Load more" keeps their
 * place (a "Load more" on its way included). The newest call wins: an older answer that arrives
 * later is dropped.
 */
export function usePaged<T>(load: (cursor: string | null) => Promise<{ items: T[]; total: number; nextCursor: string | null }>, deps: readonly unknown[]): Paged<T> {
  const [state, setState] = useState<{ items: T[] | undefined; total: number | undefined; next: string | null; pages: number; error: Error | null; loading: boolean; loadingMore: boolean }>(
    { items: undefined, total: undefined, next: null, pages: 0, error: null, loading: true, loadingMore: false },
  );
  const call = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const pagesRef = useRef(0);
  pagesRef.current = state.pages;
  const moreRef = useRef(false);
  moreRef.current = state.loadingMore;
  /** Fetches `pages` pages from `cursor` on, then appends them to what is shown (or replaces it). */
  const fetchPages = useCallback((cursor: string | null, pages: number, append: boolean) => {
    const id = ++call.current;
    setState((s) => ({ ...s, loading: !append, loadingMore: append }));
    const fetched: T[] = [];
    const step = (at: string | null, left: number): Promise<{ total: number; next: string | null; count: number }> =>
      loadRef.current(at).then((page) => {
        fetched.push(...page.items);
        return left > 1 && page.nextCursor !== null ? step(page.nextCursor, left - 1).then((r) => ({ ...r, count: r.count + 1 })) : { total: page.total, next: page.nextCursor, count: 1 };
      });
    step(cursor, Math.max(1, pages)).then(
      (r) => id === call.current && setState((s) => ({
        items: append && s.items ? [...s.items, ...fetched] : fetched, total: r.total, next: r.next, pages: (append ? s.pages : 0) + r.count, error: null, loading: false, loadingMore: false,
      })),
      (error: Error) => id === call.current && setState((s) => ({ ...s, error, loading: false, loadingMore: false })),
    );
  }, []);
  useEffect(() => {
    setState({ items: undefined, total: undefined, next: null, pages: 0, error: null, loading: true, loadingMore: false });
    fetchPages(null, 1, false);
  }, deps);
  return {
    data: state.items, error: state.error, loading: state.loading, loadingMore: state.loadingMore, total: state.total, hasMore: state.next !== null,
    // A "Load more" still on its way counts as shown: the refetch takes its page too.
    reload: () => fetchPages(null, pagesRef.current + (moreRef.current ? 1 : 0), false),
    more: () => { if (state.next !== null && !state.loadingMore) fetchPages(state.next, 1, true); },
  };
}
