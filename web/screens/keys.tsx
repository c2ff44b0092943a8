// Plugin keys: create (the plaintext is shown once, with set-up snippets), list, revoke.
import { useState } from "preact/hooks";
import { api, type PluginKey } from "../api.ts";
import { DataView } from "../components/data-view.tsx";
import { Banner, Button, Card, CopyButton, Dialog, Field, PageHeader, Pill, Tabs } from "../components/ui.tsx";
import { ago, formatDate } from "../format.ts";
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
          {(list) => (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr><th>Name</th>{all ? <th>Owner</th> : null}<th>Status</th><th class="hide-narrow">Created</th><th>Last used</th><th><span class="sr-only">Actions</span></th></tr>
                </thead>
                <tbody>
                  {list.map((k) => {
                    const expired = k.expiresAt !== null && k.expiresAt < Date.now();
                    const mine = k.userId === undefined || k.userId === session.me.user.id;
                    return (
                      <tr key={k.id}>
                        <td><span class="key-name">{k.name}</span><div class="sub mono">{k.hint}…</div></td>
                        {all ? <td>{mine ? "you" : names.get(k.userId) ?? <span class="mono small">{k.userId}</span>}</td> : null}
                        <td>{k.revokedAt ? <Pill tone="red">revoked</Pill> : expired ? <Pill tone="gray">expired</Pill> : <Pill tone="green">active</Pill>}{k.expiresAt && !k.revokedAt ? <div class="sub">expires {formatDate(k.expiresAt)}</div> : null}</td>
                        <td class="hide-narrow">{formatDate(k.createdAt)}</td>
                        <td>{ago(k.lastUsedAt)}</td>
                        <td>{!k.revokedAt && (mine || all) ? <Button size="small" variant="danger" onClick={() => setRevoking(k)} aria-label={`Revoke key ${k.name}`}>Revoke</Button> : null}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
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
