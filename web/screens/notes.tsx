// The shared brain: each project's knowledge notes, which agents receive when they start a run.
import { useEffect, useState } from "preact/hooks";
import { api, type Note } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, Field, PageHeader, PathText, Pill } from "../components/ui.tsx";
import { useConfirm } from "../components/confirm.tsx";
import { ago } from "../format.ts";
import { useAction, useResource } from "../hooks.ts";
import { useLive } from "../live.ts";
import { setQuery, useLocation } from "../router.ts";
import { useSession } from "../session.tsx";

export function NotesScreen() {
  const { query } = useLocation();
  const projects = useResource(() => api.projects(), []);
  const slug = query.get("project") ?? projects.data?.[0]?.slug ?? "";
  return (
    <>
      <PageHeader title="Shared brain" description="What the team and its agents learned, per project. Agents receive the relevant notes when they start a run." />
      <DataView resource={projects} empty={{ title: "No projects yet", body: <p>Notes belong to a project.</p> }}>
        {(list) => (
          <div class="stack">
            {list.length > 1 ? (
              <div class="picker">
              <Field label="Project">
                {(p) => (
                  <select {...p} value={slug} onChange={(e) => setQuery({ project: e.currentTarget.value })}>
                    {list.map((pr) => <option key={pr.id} value={pr.slug}>{pr.name}</option>)}
                  </select>
                )}
              </Field>
              </div>
            ) : null}
            {slug ? <ProjectNotes slug={slug} /> : null}
          </div>
        )}
      </DataView>
    </>
  );
}

function ProjectNotes({ slug }: { slug: string }) {
  const notes = useResource(() => api.notes(slug), [slug]);
  useLive((e) => e.type.startsWith("knowledge."), notes.reload);
  const { role } = useSession();
  const [body, setBody] = useState("");
  const add = useAction(() => api.createNote(slug, { body: body.trim() }));
  useEffect(() => setBody(""), [slug]);
  const canWrite = role !== "auditor";
  return (
    <div class="stack">
      {canWrite ? (
        <Card title="Add a note">
          <form class="form" onSubmit={async (e) => { e.preventDefault(); if (await add.run()) { setBody(""); notes.reload(); } }}>
            {add.error ? <Banner tone="error">{add.error}</Banner> : null}
            <Field label="Note" hint={`${body.length} / 2000. Scanned for secrets and personal data before it is stored.`}>
              {(p) => <textarea {...p} required maxLength={2000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
            </Field>
            <div><Button type="submit" variant="primary" disabled={add.busy || !body.trim()}>Save note</Button></div>
          </form>
        </Card>
      ) : null}
      <Card title="Notes" flush>
        <DataView resource={notes} empty={{ title: "No notes yet", body: <p>Agents add learnings when they finish a run.</p> }}>
          {(list) => (
            <ul class="timeline">
              {list.map((n) => (
                <li key={n.id}>
                  <span class="small muted">
                    <Pill plain tone={n.authorKind === "agent" ? "blue" : "gray"}>{n.authorKind}</Pill>
                    {n.status === "proposed" ? <> <Pill plain tone="amber">proposed</Pill></> : null}
                    <br />
                    {ago(n.createdAt)}
                  </span>
                  <NoteItem slug={slug} note={n} onChange={notes.reload} />
                </li>
              ))}
            </ul>
          )}
        </DataView>
      </Card>
    </div>
  );
}

/**
 * One note. A proposed note (an agent's learning) reaches no other agent until a lead approves it;
 * leads, admins and owners may also edit or delete any note. The server says what the viewer may do.
 */
function NoteItem({ slug, note, onChange }: { slug: string; note: Note; onChange: () => void }) {
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(note.body);
  const approve = useAction(() => api.approveNote(slug, note.id));
  const save = useAction(() => api.updateNote(slug, note.id, { body: body.trim() }));
  const remove = useAction(() => api.deleteNote(slug, note.id));
  const error = approve.error ?? save.error ?? remove.error;
  const confirm = useConfirm();
  const onDelete = async () => {
    const ok = await confirm.ask({ title: "Delete this note?", body: <p>Agents stop receiving it when they start a run. The note is gone for good; its deletion is recorded in the audit trail.</p>, confirm: "Delete note" });
    if (ok && (await remove.run())) onChange();
  };
  return (
    <div>
      {confirm.element}
      {error ? <Banner tone="error">{error}</Banner> : null}
      {editing ? (
        <form class="form" onSubmit={async (e) => { e.preventDefault(); if (await save.run()) { setEditing(false); onChange(); } }}>
          <Field label="Note" hint={`${body.length} / 2000. Scanned for secrets and personal data before it is stored.`}>
            {(p) => <textarea {...p} required maxLength={2000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
          </Field>
          <div class="row">
            <Button type="submit" variant="primary" disabled={save.busy || !body.trim()}>Save</Button>
            <Button type="button" onClick={() => { setEditing(false); setBody(note.body); }}>Cancel</Button>
          </div>
        </form>
      ) : (
        <p class="note-body">{note.body}</p>
      )}
      {note.paths.length ? <span class="glob-list">{note.paths.map((p) => <PathText key={p} path={p} />)}</span> : null}
      {note.status === "proposed" ? <p class="small muted">Written by an agent: other agents receive it once a lead approves it.</p> : null}
      {(note.canApprove || note.canEdit) && !editing ? (
        <div class="row">
          {note.canApprove ? <Button size="small" variant="primary" disabled={approve.busy} onClick={async () => { if (await approve.run()) onChange(); }}>Approve</Button> : null}
          {note.canEdit ? <Button size="small" onClick={() => { setBody(note.body); setEditing(true); }}>Edit</Button> : null}
          {note.canEdit ? <Button size="small" variant="danger" disabled={remove.busy} onClick={() => void onDelete()}>Delete</Button> : null}
        </div>
      ) : null}
    </div>
  );
}
