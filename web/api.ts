// Typed client for the admin API. Types only are imported from src/ (never values), so the bundle
// carries no server code.
import type { Capability, Role } from "../src/core/roles.ts";
import type { Settings } from "../src/core/setting/schemas.ts";
import type { UserView } from "../src/core/user/schemas.ts";
import type { AuditListItem } from "../src/core/audit/list-audit-events.ts";
import type { AuditFilterOptions } from "../src/core/audit/audit-filter-options.ts";
import type { VerifyResult } from "../src/core/audit/verify-audit.ts";
import type { RunTimeline } from "../src/core/run/get-run.ts";
import type { RunSummary as CoreRunSummary } from "../src/core/run/list-runs.ts";
import type { ClaimListItem } from "../src/core/run/list-claims.ts";
import type { CheckpointQueueItem } from "../src/core/checkpoint/schemas.ts";
import type { NoteRestView } from "../src/core/knowledge/schemas.ts";
import type { KeyView } from "../src/core/key/schemas.ts";
import type { ModuleView, ProjectView } from "../src/core/project/schemas.ts";
import type { PhaseDef, PhaseInput, PublishResult, RunbookChangeView, RunbookDetail, RunbookVersionView, RunbookView } from "../src/core/runbook/schemas.ts";

export type { VerifyResult };

export type { Role, Settings };
export type User = UserView & { lastLoginAt?: number | null };

export type RunStatus = "active" | "awaiting_approval" | "blocked" | "completed" | "failed" | "cancelled";
export type WorkUnitStatus = "planned" | "in_progress" | "done" | "failed" | "skipped" | "blocked";
export type AccessLevel = "editable" | "read_only" | "excluded";

/** A failure from the API: the server's closed error code and its human message. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields: readonly string[] = []) {
    super(message);
    this.name = "ApiError";
  }
}

type Unauthenticated = () => void;
let onUnauthenticated: Unauthenticated = () => {};
/** Called when a request finds the session gone (expired, revoked), so the app can show the login. */
export function setUnauthenticatedHandler(handler: Unauthenticated): void {
  onUnauthenticated = handler;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "The server cannot be reached. Check that Railyard is running.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: { fields?: unknown } } } | null)?.error;
    const fields = Array.isArray(error?.details?.fields) ? error.details.fields.filter((f): f is string => typeof f === "string") : [];
    const failure = new ApiError(response.status, error?.code ?? "internal", error?.message ?? `Request failed (${response.status})`, fields);
    if (response.status === 401 && !path.startsWith("/api/auth/login") && !path.startsWith("/api/auth/ldap") && !path.startsWith("/api/setup") && !path.startsWith("/api/password-reset")) onUnauthenticated();
    throw failure;
  }
  return data as T;
}

const get = <T>(path: string) => request<T>("GET", path);
const post = <T>(path: string, body: unknown = {}) => request<T>("POST", path, body);
const patch = <T>(path: string, body: unknown) => request<T>("PATCH", path, body);
const put = <T>(path: string, body: unknown) => request<T>("PUT", path, body);
const del = <T>(path: string) => request<T>("DELETE", path);

function qs(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : "";
}

// ---- shapes ----

export interface Me {
  user: User;
  /** What the signed-in role may do (the server's matrix; the app only hides what it lacks). */
  capabilities: Capability[];
  /** Roles this person may grant (never above their own). */
  grantableRoles: Role[];
  /** True when the app is served over plain HTTP to a non-loopback address. */
  insecureTransport?: boolean;
}

export type PluginKey = KeyView & { userName?: string; userEmail?: string };
export type Project = ProjectView;
export type Module = ModuleView;

/** A runbook phase (core PhaseDef): an optional entry gate and optional exit evidence. */
export type Phase = PhaseDef;

export type RunSummary = CoreRunSummary & { status: RunStatus };
/** One run's timeline as GET /api/runs/:id returns it (paths already masked for the viewer). */
export type RunDetail = RunTimeline;
export type TimelinePhase = RunTimeline["phases"][number];
export type WorkUnit = RunTimeline["workUnits"][number];
export type Checkpoint = CheckpointQueueItem;
/** An audit event as the API sends it (core AuditEventView: `at` is ISO-8601 text; plus the actor's name). */
export type AuditEvent = AuditListItem;
export type { AuditFilterOptions };
/** The explorer's filters, as the list and the export take them. */
export type AuditFilters = { type?: string; actor?: string; run?: string; project?: string; since?: string; until?: string };

export type RunbookVersion = RunbookVersionView;
export type Runbook = RunbookView;
export type { RunbookDetail, PhaseInput };
export type RunbookChange = RunbookChangeView;

export type Note = NoteRestView;


export interface Catalogue {
  sha256: string;
  tools: { name: string; description: string }[];
}

/** Some list routes answer `{items}` or a named array, others a bare array; accept each. */
function list<T>(data: unknown, ...names: string[]): T[] {
  if (Array.isArray(data)) return data as T[];
  const record = (data ?? {}) as Record<string, unknown>;
  for (const name of [...names, "items", "data"]) if (Array.isArray(record[name])) return record[name] as T[];
  return [];
}

/** One page of a list route: its items under `key`, the true total and the next page's cursor (null: last page). */
export type Page<K extends string, T> = { [k in K]: T[] } & { total: number; nextCursor: string | null };

/** GET /api/dashboard: counts over all data. */
export interface DashboardSummary {
  activeRuns: number;
  pendingApprovals: number;
  signals: { since: number; days: number; scopeViolations: number; drift: number };
  tokens: { since: number; input: number; output: number };
  usageByDay: { day: number; inputTokens: number; outputTokens: number }[];
  /** This month's cost at the owner's per-model prices; null when no price is set. */
  cost: { currency: string; amount: number; unpricedModels: string[] } | null;
}

/** A one-time password reset (or invitation) link: shown once, valid until `expiresAt`. */
export interface ResetLink {
  resetLink: string;
  expiresAt: number;
}

// ---- endpoints ----

export const api = {
  setupNeeded: () => get<{ needed: boolean }>("/api/setup"),
  setup: (input: { token: string; email: string; name: string; password: string }) => post<{ user: User }>("/api/setup", input),
  login: (input: { email: string; password: string }) => post<{ user: User }>("/api/auth/login", input),
  logout: () => post<void>("/api/auth/logout"),
  me: () => get<Me>("/api/auth/me"),

  users: async () => list<User>(await get("/api/users"), "users"),
  createUser: (input: { email: string; name?: string; role: Role }) => post<{ user: User } & ResetLink>("/api/users", input),
  issuePasswordReset: (id: string) => post<ResetLink>(`/api/users/${encodeURIComponent(id)}/password-reset`),
  changePassword: (input: { currentPassword: string; newPassword: string }) => post<{ sessionsRevoked: number }>("/api/auth/password", input),
  checkPasswordReset: (token: string) => post<{ email: string; name: string; expiresAt: number }>("/api/password-reset/check", { token }),
  completePasswordReset: (input: { token: string; password: string }) => post<{ email: string }>("/api/password-reset", input),
  updateUser: (id: string, input: { role?: Role; disabled?: boolean; name?: string }) => patch<unknown>(`/api/users/${encodeURIComponent(id)}`, input),

  keys: async (all?: boolean) => list<PluginKey>(await get(`/api/keys${qs({ all: all ? "true" : undefined })}`), "keys"),
  createKey: (input: { name: string; expiresDays?: number }) => post<{ id: string; key: string }>("/api/keys", input),
  revokeKey: (id: string) => del<void>(`/api/keys/${encodeURIComponent(id)}`),
  cancelRun: (id: string, reason?: string) => post<unknown>(`/api/runs/${encodeURIComponent(id)}/cancel`, reason ? { reason } : {}),
  unblockRun: (id: string) => post<unknown>(`/api/runs/${encodeURIComponent(id)}/unblock`),

  projects: async () => list<Project>(await get("/api/projects"), "projects"),
  createProject: (input: { slug: string; name: string; remoteUrl?: string }) => post<unknown>("/api/projects", input),
  updateProject: (slug: string, input: { name?: string; remoteUrl?: string | null; protectedGlobs?: string[] }) => patch<unknown>(`/api/projects/${encodeURIComponent(slug)}`, input),
  deleteProject: (slug: string) => del<unknown>(`/api/projects/${encodeURIComponent(slug)}`),
  updateModule: (slug: string, name: string, input: { newName?: string; globs?: string[] }) => patch<unknown>(`/api/projects/${encodeURIComponent(slug)}/modules/${encodeURIComponent(name)}`, input),
  deleteModule: (slug: string, name: string) => del<unknown>(`/api/projects/${encodeURIComponent(slug)}/modules/${encodeURIComponent(name)}`),
  modules: async (slug: string) => list<Module>(await get(`/api/projects/${encodeURIComponent(slug)}/modules`), "modules"),
  claims: async (slug: string) => list<ClaimListItem>(await get(`/api/projects/${encodeURIComponent(slug)}/claims`), "claims"),
  createModule: (slug: string, input: { name: string; globs: string[] }) => post<unknown>(`/api/projects/${encodeURIComponent(slug)}/modules`, input),
  setAccess: (slug: string, module: string, role: Role, level: AccessLevel) =>
    put<unknown>(`/api/projects/${encodeURIComponent(slug)}/modules/${encodeURIComponent(module)}/access`, { access: { [role]: level } }),

  runs: (filters: { status?: string; project?: string; q?: string; sort?: string; direction?: string; cursor?: string | null; limit?: number } = {}) => get<Page<"runs", RunSummary>>(`/api/runs${qs(filters)}`),
  dashboard: () => get<DashboardSummary>("/api/dashboard"),
  run: (id: string) => get<RunDetail>(`/api/runs/${encodeURIComponent(id)}`),

  checkpoints: (status = "pending", cursor?: string | null) => get<Page<"checkpoints", Checkpoint>>(`/api/checkpoints${qs({ status, cursor })}`),
  approve: (id: string, reason: string) => post<unknown>(`/api/checkpoints/${encodeURIComponent(id)}/approve`, { reason }),
  reject: (id: string, reason: string) => post<unknown>(`/api/checkpoints/${encodeURIComponent(id)}/reject`, { reason }),

  runbooks: async () => list<Runbook>(await get("/api/runbooks"), "runbooks"),
  runbook: (id: string) => get<RunbookDetail>(`/api/runbooks/${encodeURIComponent(id)}`),
  publishRunbook: (id: string, phases: PhaseInput[]) => post<PublishResult>(`/api/runbooks/${encodeURIComponent(id)}/versions`, { phases }),
  approveRunbookChange: (id: string, changeId: string, reason: string) => post<unknown>(`/api/runbooks/${encodeURIComponent(id)}/changes/${encodeURIComponent(changeId)}/approve`, reason ? { reason } : {}),
  rejectRunbookChange: (id: string, changeId: string, reason: string) => post<unknown>(`/api/runbooks/${encodeURIComponent(id)}/changes/${encodeURIComponent(changeId)}/reject`, reason ? { reason } : {}),

  notes: async (slug: string) => list<Note>(await get(`/api/projects/${encodeURIComponent(slug)}/notes`), "notes"),
  createNote: (slug: string, input: { body: string; paths?: string[] }) => post<unknown>(`/api/projects/${encodeURIComponent(slug)}/notes`, input),
  approveNote: (slug: string, id: string) => post<unknown>(`/api/projects/${encodeURIComponent(slug)}/notes/${encodeURIComponent(id)}/approve`),
  updateNote: (slug: string, id: string, input: { body: string; paths?: string[] }) => patch<unknown>(`/api/projects/${encodeURIComponent(slug)}/notes/${encodeURIComponent(id)}`, input),
  deleteNote: (slug: string, id: string) => del<unknown>(`/api/projects/${encodeURIComponent(slug)}/notes/${encodeURIComponent(id)}`),

  audit: (filters: Record<string, string | undefined>) => get<Page<"events", AuditEvent>>(`/api/audit${qs(filters)}`),
  verifyAudit: () => get<VerifyResult>("/api/audit/verify"),
  auditFilters: () => get<AuditFilterOptions>("/api/audit/filters"),
  /** The export of exactly what `filters` match. */
  exportUrl: (format: "jsonl" | "csv", filters: AuditFilters = {}) => `/api/audit/export${qs({ format, ...filters })}`,

  settings: () => get<Settings | { settings: Settings }>("/api/settings").then((d) => ("settings" in d ? d.settings : d)),
  updateSettings: (input: Partial<Settings>) => patch<unknown>("/api/settings", input),

  catalogue: () => get<Catalogue>("/api/catalogue"),
};
