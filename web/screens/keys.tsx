// Plugin keys: create (the plaintext is shown once, with set-up snippets), list, revoke.
import { useState } from "preact/hooks";
import { api, type PluginKey } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, CopyButton, Dialog, Field, PageHeader, Pill, Tabs } from "../components/ui.tsx";
import { ago, utc } from "../format.ts";
import { useSort } from "../components/sortable.tsx";
import { Stamp } from "../components/stamp.tsx";
import { useAction, useResource } from "../hooks.ts";
import { useSession } from "../session.tsx";

/** Ready-to-paste client configurations for a new key (DESIGN.md section 3.3). */
export function setupSnippets(url: string, key: string) {
  return {
    claude: `claude mcp add --transport http railyard ${url} --header "Authorization: Bearer ${key}"`,
    cursor: JSON.stringify({ mcpServers: { railyard: { url, headers: { Authorization: `Bearer ${key}` } } } }, null, 2),
    vscode: JSON.stringify(
      {
        inputs: [{ type: "promptString", id: "railyard-key", description: "Railyard plugin key", password: true }],
        servers: { railyard: { type: "http", url, headers: { Authorization: "Bearer ${input:railyard-key}" } } },
      },
      null,
      2,
    ),
  };
}

export function KeysScreen() {
  const session = useSession();
  const all = session.can("keys.revoke_others");
  const keys = useResource(() => api.keys(all), [all]);
  const people = useResource(() => (session.can("users.manage") ? api.users() : Promise.resolve([])), []);
  const names = new Map((people.data ?? []).map((u) => [u.id, u.name]));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<PluginKey | null>(null);
  const canOwn = session.can("keys.own");
  return (
    <>
      <PageHeader
        title="Plugin keys"
        description="Your agents authenticate to /mcp with a key and act as you. Railyard keeps only a hash: a key is shown once."
        actions={canOwn ? <Button variant="primary" onClick={() => setCreating(true)}>Create key</Button> : null}
      />
      {created ? <CreatedKey name={created.name} plaintext={created.key} onDone={() => setCreated(null)} /> : null}
      <Card flush>
        <DataView resource={keys} empty={{ title: "No keys yet", body: canOwn ? <p>Create one to connect Claude Code, Cursor or VS Code.</p> : undefined }}>
          {(list) => <KeyTable list={list} all={all} names={names} onRevoke={setRevoking} />}
        </DataView>
      </Card>
      {creating ? (
        <CreateKeyDialog
          onClose={() => setCreating(false)}
          onCreated={(name, key) => {
            setCreating(false);
            setCreated({ name, key });
            keys.reload();
          }}
        />
      ) : null}
      {revoking ? <RevokeDialog pluginKey={revoking} onClose={() => setRevoking(null)} onDone={() => { setRevoking(null); keys.reload(); session.announce("Key revoked"); }} /> : null}
    </>
  );
}

function keyState(k: PluginKey, now: number): "revoked" | "expired" | "active" {
  return k.revokedAt ? "revoked" : k.expiresAt !== null && k.expiresAt < now ? "expired" : "active";
}

/** The keys, sortable by name, owner, status, expiry, creation and last use. */
function KeyTable({ list, all, names, onRevoke }: { list: PluginKey[]; all: boolean; names: Map<string, string>; onRevoke: (k: PluginKey) => void }) {
  const session = useSession();
  const now = Date.now();
  const owner = (k: PluginKey) => (k.userId === undefined || k.userId === session.me.user.id ? "you" : names.get(k.userId) ?? k.userId);
  const sort = useSort(list, {
    name: (k) => k.name,
    owner,
    status: (k) => keyState(k, now),
    // A key that never expires sorts after every dated one.
    expires: (k) => k.expiresAt ?? Number.MAX_SAFE_INTEGER,
    created: (k) => k.createdAt,
    used: (k) => k.lastUsedAt,
    client: (k) => (k.client ? `${k.client.name} ${k.client.version ?? ""}` : null),
    calls: (k) => k.calls,
  });
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>{sort.header("name", "Name")}{all ? sort.header("owner", "Owner") : null}{sort.header("status", "Status")}{sort.header("expires", "Expires", "hide-narrow")}{sort.header("created", "Created", "hide-narrow")}{sort.header("client", "Client", "hide-narrow")}{sort.header("used", "Last used")}{sort.header("calls", "Calls", "num hide-narrow")}<th><span class="sr-only">Actions</span></th></tr>
        </thead>
        <tbody>
          {sort.rows.map((k) => {
            const state = keyState(k, now);
            const mine = k.userId === undefined || k.userId === session.me.user.id;
            return (
              <tr key={k.id}>
                <td><span class="key-name">{k.name}</span><div class="sub mono">{k.hint}…</div></td>
                {all ? <td>{mine ? "you" : names.get(k.userId) ?? <span class="mono small">{k.userId}</span>}</td> : null}
                <td><Pill tone={state === "revoked" ? "red" : state === "expired" ? "gray" : "green"}>{state}</Pill></td>
                <td class="hide-narrow">{k.expiresAt === null ? <span class="muted">never expires</span> : <Stamp ms={k.expiresAt} />}</td>
                <td class="hide-narrow"><Stamp ms={k.createdAt} /></td>
                <td class="hide-narrow">{k.client ? <>{k.client.name}{k.client.version ? <div class="sub mono">{k.client.version}</div> : null}</> : <span class="muted">not seen yet</span>}</td>
                <td>
                  {k.lastUsedAt === null ? <span class="muted">never used</span> : <span title={utc(k.lastUsedAt)}>{ago(k.lastUsedAt, now)}</span>}
                  {k.lastAddress ? <div class="sub">from <span class="mono">{k.lastAddress}</span></div> : null}
                  <div class="sub only-narrow">{k.calls.toLocaleString()} {k.calls === 1 ? "call" : "calls"}{k.expiresAt === null ? " · never expires" : ""}{k.client ? ` · ${k.client.name}` : ""}</div>
                </td>
                <td class="num hide-narrow">{k.calls.toLocaleString()}</td>
                <td>{!k.revokedAt && (mine || all) ? <Button size="small" variant="danger" onClick={() => onRevoke(k)} aria-label={`Revoke key ${k.name}`}>Revoke</Button> : null}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (name: string, key: string) => void }) {
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const action = useAction(async () => {
    const result = await api.createKey({ name: name.trim(), ...(days ? { expiresDays: Number(days) } : {}) });
    onCreated(name.trim(), result.key);
  });
  return (
    <Dialog
      title="Create a plugin key"
      onClose={onClose}
      footer={<><Button onClick={onClose}>Cancel</Button><Button variant="primary" type="submit" form="create-key" disabled={action.busy}>Create key</Button></>}
    >
      <form id="create-key" class="form" onSubmit={(e) => { e.preventDefault(); void action.run(); }}>
        {action.error ? <Banner tone="error">{action.error}</Banner> : null}
        <Field label="Name" hint="Where it will be used, e.g. “laptop – Claude Code”.">
          {(p) => <input {...p} required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field label="Expires">
          {(p) => (
            <select {...p} value={days} onChange={(e) => setDays(e.currentTarget.value)}>
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in a year</option>
              <option value="">never (revoke by hand)</option>
            </select>
          )}
        </Field>
      </form>
    </Dialog>
  );
}

function CreatedKey({ name, plaintext, onDone }: { name: string; plaintext: string; onDone: () => void }) {
  const url = `${location.origin}/mcp`;
  const snippets = setupSnippets(url, plaintext);
  const [tab, setTab] = useState<"claude" | "cursor" | "vscode">("claude");
  const hints = {
    claude: "Run in a terminal where Claude Code is installed.",
    cursor: "Save as ~/.cursor/mcp.json (or .cursor/mcp.json in the repository; keep it out of git).",
    vscode: "Save as .vscode/mcp.json; VS Code asks for the key once and stores it securely, so the file holds no secret.",
  };
  return (
    <Card title={`Key “${name}” created`} class="created-key" actions={<Button size="small" onClick={onDone}>Done, I saved it</Button>}>
      <div class="stack">
        <Banner tone="warn" role="alert">Copy this key now. It is shown once; Railyard stores only its hash.</Banner>
        <div class="secret">
          <code data-testid="new-key">{plaintext}</code>
          <CopyButton text={plaintext} label="Copy key" />
        </div>
        <div>
          <Tabs label="Client" value={tab} onChange={setTab} tabs={[{ id: "claude", label: "Claude Code" }, { id: "cursor", label: "Cursor" }, { id: "vscode", label: "VS Code" }]} />
          <div class="snippet-block">
            <div class="spread"><span class="muted small">{hints[tab]}</span><CopyButton text={snippets[tab]} label="Copy snippet" /></div>
            <pre class="snippet">{snippets[tab]}</pre>
          </div>
        </div>
      </div>
    </Card>
  );
}

function RevokeDialog({ pluginKey, onClose, onDone }: { pluginKey: PluginKey; onClose: () => void; onDone: () => void }) {
  const action = useAction(() => api.revokeKey(pluginKey.id));
  return (
    <Dialog
      title="Revoke key"
      onClose={onClose}
      footer={<><Button onClick={onClose}>Cancel</Button><Button variant="danger" disabled={action.busy} onClick={async () => (await action.run()) && onDone()}>Revoke</Button></>}
    >
      {action.error ? <Banner tone="error">{action.error}</Banner> : null}
      <p>Agents using “{pluginKey.name}” stop working on their next request. This cannot be undone.</p>
    </Dialog>
  );
}
