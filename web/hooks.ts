import { useCallback, useEffect, useRef, useState } from "preact/hooks";

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

/** Wraps an async action with a busy flag and a captured error message. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>): { run: (...args: A) => Promise<boolean>; busy: boolean; error: string | null; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(null) };
}
