// What a notification says. Built from ids, kinds, names and the run title only: never a
// checkpoint's reason, a summary or any other agent-written text, never a key or a password.
// Nothing in it can decide anything: its link opens a page where a signed-in person decides.
import { iso } from "../../lib/time.ts";
import type { Role } from "../roles.ts";

export interface NotifyMessage {
  [key: string]: unknown;
  kind: string;
  /** One line: what happened. */
  headline: string;
  /** One or two sentences with the context (project, who asked, when, who may decide). */
  text: string;
  project: { slug: string; name: string } | null;
  run: { id: string; title: string } | null;
  checkpoint: { id: string; kind: string; targetPhase: string | null; requiredRole: string; status: string; expiresAt: number | null } | null;
  askedBy: string | null;
  occurredAt: number;
  url: string;
  /** The role the message was masked for. */
  audience: Role;
}

export interface MessageFacts {
  kind: string;
  meta: Record<string, unknown>;
  occurredAt: number;
  project: { slug: string; name: string } | null;
  run: { id: string; title: string } | null;
  checkpoint: NotifyMessage["checkpoint"];
  askedBy: string | null;
  baseUrl: string;
  audience: Role;
}

const quoted = (title: string | undefined) => (title ? `"${title}"` : "a run");
const str = (v: unknown) => (typeof v === "string" && /^[a-z_.]{1,40}$/.test(v) ? v : null);

/** The link a message carries: the approvals page for a checkpoint, else the run's page. */
export function messageUrl(baseUrl: string, facts: { checkpointId: string | null; runId: string | null }, kind: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  if (facts.checkpointId && (kind === "checkpoint.requested" || kind === "checkpoint.expiring")) return `${base}/approvals?checkpoint=${facts.checkpointId}`;
  if (facts.runId) return `${base}/runs/${facts.runId}${facts.checkpointId ? `?checkpoint=${facts.checkpointId}` : ""}`;
  return `${base}/settings`;
}

/** Renders the message for one audience (the run title already masked for it). */
export function renderMessage(f: MessageFacts): NotifyMessage {
  const title = f.run?.title;
  const ck = f.checkpoint;
  const step = ck?.targetPhase ? `entering phase '${ck.targetPhase}'` : "a step that needs a person";
  const where = f.project ? `${f.project.name} (${f.project.slug})` : "Railyard";
  const when = iso(f.occurredAt);
  const url = f.kind === "runbook.proposal" ? `${f.baseUrl.replace(/\/+$/, "")}/runbooks` : messageUrl(f.baseUrl, { checkpointId: ck?.id ?? null, runId: f.run?.id ?? null }, f.kind);
  let headline: string;
  let text: string;
  switch (f.kind) {
    case "checkpoint.requested":
      headline = `Approval needed: ${step} on ${quoted(title)}`;
      text = `${where}: ${f.askedBy ?? "an agent"}'s run asks for ${step} at ${when}; a ${ck?.requiredRole ?? "lead"} or above who does not own the run decides. Sign in to Railyard to approve or reject.`;
      break;
    case "checkpoint.expiring":
      headline = `Expires within the hour: approval for ${step} on ${quoted(title)}`;
      text = `${where}: the checkpoint requested by ${f.askedBy ?? "an agent"}'s run expires at ${ck?.expiresAt ? iso(ck.expiresAt) : "soon"} unless a ${ck?.requiredRole ?? "lead"} or above decides it. Sign in to Railyard to decide.`;
      break;
    case "checkpoint.decided": {
      const status = str(f.meta.status) ?? ck?.status ?? "decided";
      headline = `Checkpoint ${status}: ${step} on ${quoted(title)}`;
      text = `${where}: a person ${status} the checkpoint of your run at ${when}.${status === "rejected" ? " The run is blocked until a person unblocks it or a new request is approved." : " The agent may go on."}`;
      break;
    }
    case "run.failed":
      headline = `Run failed: ${quoted(title)}`;
      text = `${where}: ${f.askedBy ?? "an agent"}'s run finished as failed at ${when}.`;
      break;
    case "run.blocked":
      headline = `Run blocked: ${quoted(title)}`;
      text = `${where}: ${f.askedBy ?? "an agent"}'s run is blocked since ${when}${str(f.meta.why) ? ` (${str(f.meta.why)})` : ""}.`;
      break;
    case "scope.violation":
      headline = `Scope violation on ${quoted(title)}`;
      text = `${where}: ${f.askedBy ?? "an agent"}'s run reported a path outside its editable scope${str(f.meta.access) ? ` (${str(f.meta.access)})` : ""} at ${when}.`;
      break;
    case "drift.detected":
      headline = `Drift on ${quoted(title)}${str(f.meta.kind) ? `: ${str(f.meta.kind)}` : ""}`;
      text = `${where}: an off-script event was recorded on ${f.askedBy ?? "an agent"}'s run at ${when}.`;
      break;
    case "budget.threshold": {
      const scope = str(f.meta.scope) === "run" ? `the token budget of ${quoted(title)}` : "this month's token budget";
      headline = `Budget at ${typeof f.meta.percent === "number" ? f.meta.percent : 80}%: ${where}`;
      text = `${where}: ${scope} reached ${typeof f.meta.percent === "number" ? f.meta.percent : 80}% at ${when}. At 100% the run waits on a budget checkpoint that a lead or above decides.`;
      break;
    }
    case "runbook.proposal":
      headline = `Runbook proposal${str(f.meta.rule) ? `: ${str(f.meta.rule)}` : ""}`;
      text = `The ritual miner found a pattern repeated across runs and people and proposes a runbook patch (${when}). A lead or above approves or dismisses it under Runbooks.`;
      break;
    default:
      headline = "Test notification from Railyard";
      text = `This channel works. Sent at ${when}. Notifications link to Railyard; deciding always needs a signed-in person.`;
  }
  return { kind: f.kind, headline, text, project: f.project, run: f.run, checkpoint: ck, askedBy: f.askedBy, occurredAt: f.occurredAt, url, audience: f.audience };
}
