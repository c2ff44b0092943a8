// Projects and their modules: globs, protected globs and the role × module access matrix.
import { useState } from "preact/hooks";
import { api, type AccessLevel, type Module, type Project } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Dialog, Field, Globs, PageHeader, PathText, Pill, StatusPill } from "../components/ui.tsx";
import { BudgetPanel } from "../components/budget-panel.tsx";
import { useConfirm } from "../components/confirm.tsx";
import { useFormErrors } from "../errors.ts";
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
const LEVEL_TEXT: Record<AccessLevel, string> = { editable: "✎ editable", read_only: "◐ read only", excluded: "⊘ excluded" };

export function ProjectsScreen({ slug }: { slug?: string }) {
  const projects = useResource(() => api.projects(), []);
  useLive(projectEvent, projects.reload);
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  if (slug) {
    const project = projects.data?.find((p) => p.slug === slug);
    return (
      <DataView resource={projects} isEmpty={() => false}>
        {() => (project ? <ProjectDetail project={project} onChanged={projects.reload} /> : <Banner tone="error">No project “{slug}”.</Banner>)}
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

/** A slug from a project name: "Shop Front (EU)" → "shop-front-eu" (letters folded to ASCII, at most 64). */
export function slugFrom(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 64).replace(/^-+|-+$/g, "");
}

function CreateProject({ onClose, onDone }: { onClose: () => void; onDone: (slug: string) => void }) {
  const [form, setForm] = useState({ slug: "", name: "", remoteUrl: "" });
  // The slug follows the name until the person types a slug of their own.
  const [slugEdited, setSlugEdited] = useState(false);
  const action = useAction(() => api.createProject({ slug: form.slug, name: form.name, ...(form.remoteUrl.trim() ? { remoteUrl: form.remoteUrl.trim() } : {}) }));
  const errors = useFormErrors(action.failure, ["name", "slug", "remoteUrl"]);
  const edit = (field: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) => {
    const value = e.currentTarget.value;
    if (field === "slug") setSlugEdited(value !== "");
    setForm({ ...form, [field]: value, ...(field === "name" && !slugEdited ? { slug: slugFrom(value) } : {}) });
    errors.clear(field, ...(field === "name" && !slugEdited ? ["slug"] : []));
  };
  return (
    <Dialog title="New project" onClose={onClose} footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form="new-project" disabled={action.busy}>Create</Button></>}>
      <form id="new-project" class="form" onSubmit={async (e) => { e.preventDefault(); if (await action.run()) onDone(form.slug); }}>
        {errors.general ? <Banner tone="error">{errors.general}</Banner> : null}
        <Field label="Name" error={errors.of("name")}>{(p) => <input {...p} required maxLength={100} value={form.name} onInput={edit("name")} />}</Field>
        <Field label="Slug" hint="Lower-case letters, digits and dashes; agents use it." error={errors.of("slug")}>{(p) => <input {...p} required maxLength={64} pattern="[a-z0-9][a-z0-9\-]*" value={form.slug} onInput={edit("slug")} />}</Field>
        <Field label="Remote URL (optional)" hint="https://, http://, ssh:// or git@host:path" error={errors.of("remoteUrl")}>{(p) => <input {...p} type="text" inputMode="url" autoComplete="off" spellcheck={false} maxLength={2048} value={form.remoteUrl} onInput={edit("remoteUrl")} />}</Field>
      </form>
    </Dialog>
  );
}

function ProjectDetail({ project, onChanged }: { project: Project; onChanged: () => void }) {
  const modules = useResource(() => api.modules(project.slug), [project.slug]);
  useLive(projectEvent, modules.reload);
  const { can } = useSession();
  const manage = can("projects.manage");
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(false);
  const confirm = useConfirm();
  const remove = useAction(() => api.deleteProject(project.slug));
  const onDelete = async () => {
    const ok = await confirm.ask({
      title: `Delete project ${project.name}?`,
      body: <p>The project <code>{project.slug}</code>, its {modules.data?.length ?? 0} module(s) and their access rules are deleted. Agents can no longer start runs on it. A project that has runs cannot be deleted. This cannot be undone.</p>,
      confirm: "Delete project",
    });
    if (ok && (await remove.run())) navigate("/projects");
  };
  return (
    <div class="stack">
      <PageHeader
        title={project.name}
        description={<><code>{project.slug}</code>{project.remoteUrl ? <> · {project.remoteUrl}</> : null}</>}
        actions={<>
          {manage ? <Button variant="primary" onClick={() => setAdding(true)}>Add module</Button> : null}
          {manage ? <Button onClick={() => setEditing(true)}>Edit project</Button> : null}
          {manage ? <Button variant="danger" disabled={remove.busy} onClick={() => void onDelete()}>Delete project</Button> : null}
          <a class="btn" href="/projects" onClick={(e) => { e.preventDefault(); navigate("/projects"); }}>All projects</a>
        </>}
      />
      {remove.error ? <Banner tone="error">{remove.error}</Banner> : null}
      <Card title="Protected globs" actions={manage ? <Button size="small" onClick={() => setEditing(true)}>Edit</Button> : null}><p class="muted small">Read-only for everyone (generated code, vendored libraries).</p><Globs globs={project.protectedGlobs ?? []} /></Card>
      <Card title="Modules and access" flush>
        <DataView resource={modules} empty={{ title: "No modules", body: <p>Without modules every path is editable for every role.</p> }}>
          {(list) => (
            <div class="table-wrap matrix">
              <table>
                <thead>
                  <tr><th>Module</th><th>Globs</th>{ROLE_LIST.map((r) => <th key={r}>{r}</th>)}{manage ? <th><span class="sr-only">Actions</span></th> : null}</tr>
                </thead>
                <tbody>
                  {list.map((m) => <ModuleRow key={m.id} project={project} module={m} manage={manage} onChange={modules.reload} />)}
                </tbody>
              </table>
            </div>
          )}
        </DataView>
      </Card>
      <BudgetPanel slug={project.slug} />
      <ProjectClaims project={project} />
      {adding ? <ModuleDialog project={project} onClose={() => setAdding(false)} onDone={() => { setAdding(false); modules.reload(); }} /> : null}
      {editing ? <EditProject project={project} onClose={() => setEditing(false)} onDone={() => { setEditing(false); onChanged(); }} /> : null}
      {confirm.element}
    </div>
  );
}

/** Name, remote URL and protected globs of a project (owner and admin). */
function EditProject({ project, onClose, onDone }: { project: Project; onClose: () => void; onDone: () => void }) {
  const [form, setForm] = useState({ name: project.name, remoteUrl: project.remoteUrl ?? "", protectedGlobs: (project.protectedGlobs ?? []).join("\n") });
  const action = useAction(() => api.updateProject(project.slug, { name: form.name.trim(), remoteUrl: form.remoteUrl.trim() || null, protectedGlobs: lines(form.protectedGlobs) }));
  const errors = useFormErrors(action.failure, ["name", "remoteUrl", "protectedGlobs"]);
  const edit = (field: keyof typeof form) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => { setForm({ ...form, [field]: e.currentTarget.value }); errors.clear(field); };
  return (
    <Dialog title={`Edit ${project.name}`} onClose={onClose} footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form="edit-project" disabled={action.busy}>Save project</Button></>}>
      <form id="edit-project" class="form" onSubmit={async (e) => { e.preventDefault(); if (await action.run()) onDone(); }}>
        {errors.general ? <Banner tone="error">{errors.general}</Banner> : null}
        <Field label="Name" error={errors.of("name")}>{(p) => <input {...p} required maxLength={100} value={form.name} onInput={edit("name")} />}</Field>
        <Field label="Remote URL (optional)" error={errors.of("remoteUrl")}>{(p) => <input {...p} maxLength={2048} value={form.remoteUrl} onInput={edit("remoteUrl")} />}</Field>
        <Field label="Protected globs" hint="One per line; read-only for every role, e.g. vendor/**" error={errors.of("protectedGlobs")}>{(p) => <textarea {...p} class="code short" value={form.protectedGlobs} onInput={edit("protectedGlobs")} />}</Field>
      </form>
    </Dialog>
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
  const remove = useAction(() => api.deleteModule(project.slug, m.name));
  const [editing, setEditing] = useState(false);
  // The last access change, so it can be undone with one click.
  const [undo, setUndo] = useState<{ role: (typeof ROLE_LIST)[number]; from: AccessLevel; to: AccessLevel } | null>(null);
  const confirm = useConfirm();
  const change = async (role: (typeof ROLE_LIST)[number], from: AccessLevel, to: AccessLevel) => {
    if (await action.run(role, to)) {
      setUndo({ role, from, to });
      onChange();
    }
  };
  const onDelete = async () => {
    const ok = await confirm.ask({
      title: `Delete module ${m.name}?`,
      body: <p>Its globs ({m.globs.join(", ")}) and their access rules go: those paths become editable for every role (unless a protected glob covers them), and agents see them on their next <code>get_scope</code>. This cannot be undone.</p>,
      confirm: "Delete module",
    });
    if (ok && (await remove.run())) onChange();
  };
  const error = action.error ?? remove.error;
  return (
    <tr>
      <td data-label="Module">
        <strong>{m.name}</strong>
        {error ? <div class="error-text small" role="alert">{error}</div> : null}
        {undo ? <div class="small" role="status">{undo.role}: {undo.from.replace("_", " ")} → {undo.to.replace("_", " ")} <Button size="small" variant="link" onClick={async () => { const u = undo; setUndo(null); if (await action.run(u.role, u.from)) onChange(); }}>Undo</Button></div> : null}
      </td>
      <td data-label="Globs"><Globs globs={m.globs} /></td>
      {ROLE_LIST.map((role) => {
        const level = m.accessByRole?.[role] ?? (role === session.role ? m.access : "editable");
        return (
          <td key={role} data-label={role}>
            {manage ? (
              <select class={`level level-${level}`} aria-label={`${m.name} access for ${role}`} value={level} disabled={action.busy} onChange={(e) => void change(role, level, e.currentTarget.value as AccessLevel)}>
                {LEVELS.map((l) => <option key={l} value={l}>{LEVEL_TEXT[l]}</option>)}
              </select>
            ) : (
              <StatusPill status={level} />
            )}
          </td>
        );
      })}
      {manage ? (
        <td data-label="">
          <div class="row nowrap">
            <Button size="small" onClick={() => setEditing(true)} aria-label={`Edit module ${m.name}`}>Edit</Button>
            <Button size="small" variant="danger" disabled={remove.busy} onClick={() => void onDelete()} aria-label={`Delete module ${m.name}`}>Delete</Button>
          </div>
          {editing ? <ModuleDialog project={project} module={m} onClose={() => setEditing(false)} onDone={() => { setEditing(false); onChange(); }} /> : null}
          {confirm.element}
        </td>
      ) : null}
    </tr>
  );
}

/** Adds a module, or (given `module`) renames it and replaces its globs. */
function ModuleDialog({ project, module, onClose, onDone }: { project: Project; module?: Module; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState(module?.name ?? "");
  const [globs, setGlobs] = useState((module?.globs ?? []).join("\n"));
  const action = useAction(() => module
    ? api.updateModule(project.slug, module.name, { ...(name.trim() !== module.name ? { newName: name.trim() } : {}), globs: lines(globs) })
    : api.createModule(project.slug, { name: name.trim(), globs: lines(globs) }));
  const errors = useFormErrors(action.failure, ["name", "newName", "globs"]);
  const id = module ? "edit-module" : "add-module";
  return (
    <Dialog title={module ? `Edit module ${module.name}` : `Add a module to ${project.name}`} onClose={onClose} footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form={id} disabled={action.busy}>{module ? "Save module" : "Add module"}</Button></>}>
      <form id={id} class="form" onSubmit={async (e) => { e.preventDefault(); if (await action.run()) onDone(); }}>
        {errors.general ? <Banner tone="error">{errors.general}</Banner> : null}
        <Field label="Name" error={errors.of("name") ?? errors.of("newName")}>{(p) => <input {...p} required maxLength={64} value={name} onInput={(e) => { setName(e.currentTarget.value); errors.clear("name", "newName"); }} />}</Field>
        <Field label="Globs" hint="One per line, repository-relative, e.g. src/billing/**" error={errors.of("globs")}>{(p) => <textarea {...p} class="code" required value={globs} onInput={(e) => { setGlobs(e.currentTarget.value); errors.clear("globs"); }} />}</Field>
      </form>
    </Dialog>
  );
}
