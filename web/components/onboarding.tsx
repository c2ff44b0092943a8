// Onboarding on a new install, in place of an empty dashboard: project → modules → people → key →
// connect an agent, each step done or not from the server's own data, with progress. It goes
// away once an agent has started its first run. Steps a role cannot do are not offered.
import type { ComponentChildren } from "preact";
import { api } from "../api.ts";
import { useResource } from "../hooks.ts";
import { useLive } from "../live.ts";
import { navigate } from "../router.ts";
import { useSession, type Session } from "../session.tsx";
import { Card, Loading, PageHeader } from "./ui.tsx";

interface Step {
  id: string;
  title: string;
  body: string;
  done: boolean;
  href: string;
  action: string;
}

interface Progress {
  projects: { slug: string; name: string }[];
  modules: number;
  people: number;
  keys: number;
}

/** Null once any run exists (one cheap count); otherwise what each step needs. */
async function loadProgress(can: Session["can"]): Promise<Progress | null> {
  const runs = (await api.runs({ limit: 1 })).total;
  if (runs > 0) return null;
  const [projects, people, keys] = await Promise.all([
    api.projects(),
    can("users.manage") ? api.users().then((u) => u.length) : Promise.resolve(0),
    can("keys.own") || can("keys.revoke_others") ? api.keys(can("keys.revoke_others")).then((k) => k.filter((key) => !key.revokedAt).length) : Promise.resolve(0),
  ]);
  // A new install has a handful of projects at most; the first few say whether modules exist.
  const modules = (await Promise.all(projects.slice(0, 5).map((p) => api.modules(p.slug).then((m) => m.length)))).reduce((a, b) => a + b, 0);
  return { projects, modules, people, keys };
}

/** The onboarding steps while no run exists yet; `children` (the dashboard) once one does. */
export function Onboarding({ children }: { children: ComponentChildren }) {
  const { can } = useSession();
  const progress = useResource(() => loadProgress(can), []);
  // The agent's first run ends onboarding without a reload; afterwards run events cost nothing here.
  useLive((e) => progress.data != null && e.type === "run.started", progress.reload);
  if (progress.error || progress.data === null) return <>{children}</>;
  const p = progress.data;
  if (!p) return <Loading />;
  const first = p.projects[0];
  const steps: Step[] = [];
  if (can("projects.manage")) {
    steps.push({ id: "project", title: "Create a project", body: "The repository your team works on; agents name it by its slug.", done: p.projects.length > 0, href: "/projects", action: "Create a project" });
    steps.push({
      id: "modules", title: "Define modules", body: "Globs that say which paths each role's agents may edit, only read, or never see.", done: p.modules > 0,
      href: first ? `/projects/${first.slug}` : "/projects", action: first ? `Add modules to ${first.name}` : "Add modules",
    });
  }
  if (can("users.manage")) steps.push({ id: "people", title: "Invite people", body: "Leads decide checkpoints, developers run agents, auditors read the log.", done: p.people > 1, href: "/people", action: "Invite people" });
  if (can("keys.own")) steps.push({ id: "key", title: "Create a plugin key", body: "Your agent authenticates to Railyard with it and acts as you; it is shown once.", done: p.keys > 0, href: "/keys", action: "Create a key" });
  steps.push({ id: "agent", title: "Connect an agent", body: "Paste the key's set-up snippet into Claude Code, Cursor or VS Code; the agent's first start_run appears here.", done: false, href: "/keys", action: "See the set-up snippets" });
  const done = steps.filter((s) => s.done).length;
  const next = steps.find((s) => !s.done);
  return (
    <>
    <PageHeader title="Dashboard" description="Welcome to Railyard: a few steps from a new install to your team's first agent run." />
    <Card title="Get Railyard ready for your team" class="onboarding">
      <div class="stack">
        <div class="row">
          <progress max={steps.length} value={done} aria-label="Set-up progress" />
          <span class="small" role="status">{done} of {steps.length} steps done</span>
        </div>
        <ol class="onboarding-steps">
          {steps.map((s) => (
            <li key={s.id} class={s.done ? "done" : s === next ? "next" : ""} data-step={s.id}>
              <span class="step-mark" aria-hidden="true">{s.done ? "✓" : ""}</span>
              <div>
                <strong>{s.title}</strong>
                <span class="sr-only">{s.done ? " (done)" : " (to do)"}</span>
                <div class="small muted">{s.body}</div>
                {!s.done ? <a href={s.href} onClick={(e) => { e.preventDefault(); navigate(s.href); }}>{s.action}</a> : null}
              </div>
            </li>
          ))}
        </ol>
      </div>
    </Card>
    </>
  );
}
