// Screens and widgets loaded on first use: the initial bundle carries the shell and the screens
// people open every day; the rest arrive as hashed chunks from the same origin (the CSP's
// script-src 'self' allows them, and the server embeds them like every other asset).
import type { ComponentType, FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Banner, Button, Loading } from "./components/ui.tsx";

/**
 * A component that renders `load()`'s component once its chunk has arrived. The chunk is fetched
 * once; a failed fetch (the server was upgraded and the old hashes are gone, or it is down) says
 * so and offers a reload, which brings the new index with the new names.
 */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>, label = "Loading…"): FunctionComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const start = () =>
    (pending ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    ));
  return function Lazy(props: P) {
    const [, setReady] = useState(false);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (!loaded) start().then(() => setReady(true), () => setFailed(true));
    }, []);
    if (loaded) {
      const Component = loaded;
      return <Component {...props} />;
    }
    if (failed) {
      return (
        <Banner tone="error">
          <div class="spread">
            <span>This part of Railyard could not be loaded. The server may have been restarted with a new version.</span>
            <Button size="small" onClick={() => location.reload()}>Reload</Button>
          </div>
        </Banner>
      );
    }
    return <Loading label={label} />;
  };
}
