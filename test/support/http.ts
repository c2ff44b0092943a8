// Request helpers for /api tests: same-origin JSON requests, with or without a session.
import type { TestApp } from "./app.ts";

export const SAME_ORIGIN = { origin: "http://127.0.0.1:7433", "sec-fetch-site": "same-origin" } as const;

export interface JsonResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** Sends a same-origin JSON request (plus `headers`) and reads the whole answer. */
export async function api(app: TestApp, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...SAME_ORIGIN, ...(options.body !== undefined ? { "content-type": "application/json" } : {}), ...options.headers };
  const response = await app.request(path, { method, headers, body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body) });
  // Event streams never end: take the status and headers, and hang up.
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status, headers: response.headers, text: "", json: null };
  }
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (the caller asserts on text).
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The `name=value` part of a response's Set-Cookie header, or null. */
export function cookieFrom(response: { headers: Headers }): string | null {
  const header = response.headers.get("set-cookie");
  return header === null ? null : header.split(";")[0]!;
}

/** Signs in through the real login route (bcrypt: use sparingly) and returns the cookie header value. */
export async function login(app: TestApp, email: string, password: string): Promise<string> {
  const response = await api(app, "POST", "/api/auth/login", { body: { email, password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  return cookieFrom(response)!;
}
