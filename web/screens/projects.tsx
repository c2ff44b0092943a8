// Projects and their modules: globs, protected globs and the role × module access matrix.
import { useState } from "preact/hooks";
import { api, type AccessLevel, type Module, type Project } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Dialog, Field, Globs, PageHeader, PathText, Pill, StatusPill } from "../components/ui.tsx";
import { formatTime } from "../format.ts";
import { isRunEvent } from "../live.ts";

import { useAction, useResource } from "../hooks.ts";
import { useLive } from "../live.ts";
import { ROLE_LIST } from "../permissions.ts";
import { navigate } from "../router.ts";
import { useSession } from "../session.tsx";

const LEVELS: AccessLevel[] = ["editable", "read_only", "excluded"];
const projectEvent = (e: { type: string }) => e.type.startsWith("project.") || e.type.startsWith("module.");
const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

export function ProjectsScreen({ slug }: { slug?: string }) {
  const projects = useResource(() => api.projects(), []);
  useLive(projectEvent, projects.reload);
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  if (slug) {
    const project = projects.data?.find((p) => p.slug === slug);
    return (
      <DataView resource={projects} isEmpty={() => false}>
        {() => (project ? <ProjectDetail project={project} /> : <Banner tone="error">No project “{slug}”.</Banner>)}
      </DataView>
    );
  }
  return (
    <>
      <PageHeader
        title="Projects"
        description="Repositories your team works on. Modules decide what each role's agents may edit, read or never see."
        actions={can("projects.manage") ? <Button variant="primary" onClick={() => setCreating(true)}>New project</Button> : null}
      />
      <Card flush>
        <DataView resource={projects} empty={{ title: "No projects yet", body: can("projects.manage") ? <p>Create one; agents name it by its slug in <code>start_run</code>.</p> : <p>An admin creates projects.</p> }}>
          {(list) => (
            <div class="table-wrap">
              <table>
                <thead><tr><th>Project</th><th>Slug</th><th class="hide-narrow">Remote</th><th class="hide-narrow">Protected globs</th></tr></thead>
                <tbody>
                  {list.map((p) => (
                    <tr key={p.id}>
                      <td><a href={`/projects/${p.slug}`} onClick={(e) => { e.preventDefault(); navigate(`/projects/${p.slug}`); }}>{p.name}</a></td>
                      <td><code>{p.slug}</code></td>
                      <td class="hide-narrow">{p.remoteUrl ?? <span class="muted">—</span>}</td>
                      <td class="hide-narrow"><Globs globs={p.protectedGlobs ?? []} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </DataView>
      </Card>
      {creating ? <CreateProject onClose={() => setCreating(false)} onDone={(s) => { setCreating(false); projects.reload(); navigate(`/projects/${s}`); }} /> : null}
    </>
  );
}

function CreateProject({ onClose, onDone }: { onClose: () => void; onDone: (slug: string) => void }) {
  const [form, setForm] = useState({ slug: "", name: "", remoteUrl: "" });
  const action = useAction(() => api.createProject({ slug: form.slug, name: form.name, ...(form.remoteUrl ? { remoteUrl: form.remoteUrl } : {}) }));
  return (
    <Dialog title="New project" onClose={onClose} footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form="new-project" disabled={action.busy}>Create</Button></>}>
      <form id="new-project" class="form" onSubmit={async (e) => { e.preventDefault(); if (await action.run()) onDone(form.slug); }}>
        {action.error ? <Banner tone="error">{action.error}</Banner> : null}
        <Field label="Name">{(p) => <input {...p} required maxLength={100} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />}</Field>
        <Field label="Slug" hint="Lower-case letters, digits and dashes; agents use it.">{(p) => <input {...p} required maxLength={64} pattern="[a-z0-9][a-z0-9\-]*" value={form.slug} onInput={(e) => setForm({ ...form, slug: e.currentTarget.value })} />}</Field>
        <Field label="Remote URL (optional)">{(p) => <input {...p} type="url" maxLength={2048} value={form.remoteUrl} onInput={(e) => setForm({ ...form, remoteUrl: e.currentTarget.value })} />}</Field>
      </form>
    </Dialog>
  );
}

function ProjectDetail({ project }: { project: Project }) {
  const modules = useResource(() => api.modules(project.slug), [project.slug]);
  useLive(projectEvent, modules.reload);
  const { can } = useSession();
  const manage = can("projects.manage");
  const [adding, setAdding] = useState(false);
  return (
    <div class="stack">
      <PageHeader
        title={project.name}
        description={<><code>{project.slug}</code>{project.remoteUrl ? <> · {project.remoteUrl}</> : null}</>}
        actions={<>{manage ? <Button variant="primary" onClick={() => setAdding(true)}>Add module</Button> : null}<a class="btn" href="/projects" onClick={(e) => { e.preventDefault(); navigate("/projects"); }}>All projects</a></>}
      />
      <Card title="Protected globs"><p class="muted small">Read-only for everyone (generated code, vendored libraries).</p><Globs globs={project.protectedGlobs ?? []} /></Card>
      <Card title="Modules and access" flush>
        <DataView resource={modules} empty={{ title: "No modules", body: <p>Without modules every path is editable for every role.</p> }}>
          {(list) => (
            <div class="table-wrap matrix">
              <table>
                <thead>
                  <tr><th>Module</th><th>Globs</th>{ROLE_LIST.map((r) => <th key={r}>{r}</th>)}</tr>
                </thead>
                <tbody>
                  {list.map((m) => <ModuleRow key={m.id} project={project} module={m} manage={manage} onChange={modules.reload} />)}
                </tbody>
              </table>
            </div>
          )}
        </DataView>
      </Card>
      <ProjectClaims project={project} />
      {adding ? <AddModule project={project} onClose={() => setAdding(false)} onDone={() => { setAdding(false); modules.reload(); }} /> : null}
    </div>
  );
}

/** The paths active runs hold in the project (DESIGN §13: people see claims per project). */
function ProjectClaims({ project }: { project: Project }) {
  const claims = useResource(() => api.claims(project.slug), [project.slug]);
  useLive(isRunEvent, claims.reload);
  return (
    <Card title="Claims" flush>
      <DataView resource={claims} empty={{ title: "No claims", body: <p>Active runs claim the paths they plan or change; another run asking for one is told who holds it.</p> }}>
        {(list) => (
          <div class="table-wrap">
            <table>
              <thead><tr><th>Path</th><th>Run</th><th>Owner</th><th>Phase</th><th class="hide-narrow">Since</th></tr></thead>
              <tbody>
                {list.map((c) => (
                  <tr key={`${c.run.id}-${c.path}`}>
                    <td><PathText path={c.path} /></td>
                    <td><a href={`/runs/${c.run.id}`} onClick={(e) => { e.preventDefault(); navigate(`/runs/${c.run.id}`); }}>{c.run.title}</a></td>
                    <td>{c.run.owner.name}</td>
                    <td>{c.run.phase}{c.idle ? <> <Pill tone="amber">idle</Pill></> : null}</td>
                    <td class="hide-narrow nowrap">{formatTime(c.claimedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </DataView>
    </Card>
  );
}

function ModuleRow({ project, module: m, manage, onChange }: { project: Project; module: Module; manage: boolean; onChange: () => void }) {
  const session = useSession();
  const action = useAction((role: (typeof ROLE_LIST)[number], level: AccessLevel) => api.setAccess(project.slug, m.name, role, level));
  return (
    <tr>
      <td><strong>{m.name}</strong>{action.error ? <div class="error-text small" role="alert">{action.error}</div> : null}</td>
      <td><Globs globs={m.globs} /></td>
      {ROLE_LIST.map((role) => {
        const level = m.accessByRole?.[role] ?? (role === session.role ? m.access : "editable");
        return (
          <td key={role}>
            {manage ? (
              <select aria-label={`${m.name} access for ${role}`} value={level} disabled={action.busy} onChange={async (e) => { if (await action.run(role, e.currentTarget.value as AccessLevel)) onChange(); }}>
                {LEVELS.map((l) => <option key={l} value={l}>{l.replace("_", " ")}</option>)}
              </select>
            ) : (
              <StatusPill status={level} />
            )}
          </td>
        );
      })}
    </tr>
  );
}

function AddModule({ project, onClose, onDone }: { project: Project; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState("");
  const [globs, setGlobs] = useState("");
  const action = useAction(() => api.createModule(project.slug, { name: name.trim(), globs: lines(globs) }));
  return (
    <Dialog title={`Add a module to ${project.name}`} onClose={onClose} footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form="add-module" disabled={action.busy}>Add module</Button></>}>
      <form id="add-module" class="form" onSubmit={async (e) => { e.preventDefault(); if (await action.run()) onDone(); }}>
        {action.error ? <Banner tone="error">{action.error}</Banner> : null}
        <Field label="Name">{(p) => <input {...p} required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
        <Field label="Globs" hint="One per line, repository-relative, e.g. src/billing/**">{(p) => <textarea {...p} class="code" required value={globs} onInput={(e) => setGlobs(e.currentTarget.value)} />}</Field>
      </form>
    </Dialog>
  );
}

