import type { ComponentChildren } from "preact";
import type { Resource } from "../hooks.ts";
import { Empty, ErrorState, Loading } from "./ui.tsx";

/**
 * Renders a resource's loading, error and empty states the same way on every screen, and the
 * content once data is there. `isEmpty` defaults to "an empty array".
 */
export function DataView<T>({ resource, empty, isEmpty, children }: {
  resource: Resource<T>;
  empty?: { title: string; body?: ComponentChildren };
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ComponentChildren;
}) {
  const { data, error, reload } = resource;
  if (data === undefined) {
    if (error) return <ErrorState error={error} retry={reload} />;
    return <Loading />;
  }
  const blank = isEmpty ? isEmpty(data) : Array.isArray(data) && data.length === 0;
  return (
    <>
      {error ? <ErrorState error={error} retry={reload} /> : null}
      {blank && empty ? <Empty title={empty.title}>{empty.body}</Empty> : children(data)}
    </>
  );
}
