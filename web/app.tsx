// The app: first-run setup, password reset and login outside the shell, every other screen inside it.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { api, ApiError, setUnauthenticatedHandler, type Me } from "./api.ts";
import { Banner, Button, Loading, RolePill } from "./components/ui.tsx";
import { useResource } from "./hooks.ts";
import { isCheckpointEvent, startLive, stopLive, useLive, useLiveConnected, useLiveEvents, type LiveEvent } from "./live.ts";
import { match, navigate, useLocation } from "./router.ts";
import { ApprovalsScreen } from "./screens/approvals.tsx";
import { LoginScreen, ResetPasswordScreen, SetupScreen } from "./screens/auth.tsx";
import { DashboardScreen } from "./screens/dashboard.tsx";
import { RunDetailScreen } from "./screens/run-detail.tsx";
import { RunsScreen } from "./screens/runs.tsx";
import { makeSession, SessionContext, useSession, type Session } from "./session.tsx";
import { Brand } from "./components/brand.tsx";
import { lazy } from "./lazy.tsx";
import { setPendingCount } from "./title.ts";
import { useCheckpointNotifications } from "./notify.ts";

// Screens a person opens now and then load on first use (see lazy.tsx); the shell, dashboard,
// runs, run page and approvals are in the initial bundle.
const AuditScreen = lazy(() => import("./screens/audit.tsx").then((m) => m.AuditScreen));
const AccountScreen = lazy(() => import("./screens/account.tsx").then((m) => m.AccountScreen));
const KeysScreen = lazy(() => import("./screens/keys.tsx").then((m) => m.KeysScreen));
const NotesScreen = lazy(() => import("./screens/notes.tsx").then((m) => m.NotesScreen));
const PeopleScreen = lazy(() => import("./screens/people.tsx").then((m) => m.PeopleScreen));
const ProjectsScreen = lazy(() => import("./screens/projects.tsx").then((m) => m.ProjectsScreen));
const RunbooksScreen = lazy(() => import("./screens/runbooks.tsx").then((m) => m.RunbooksScreen));
const SettingsScreen = lazy(() => import("./screens/settings.tsx").then((m) => m.SettingsScreen));

export function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [failure, setFailure] = useState<Error | null>(null);
  const [toasts, setToasts] = useState<{ id: number; text: string }[]>([]);
  const [announcement, setAnnouncement] = useState("");

  const loadMe = useCallback(() => {
    api.me().then(
      (value) => {
        setFailure(null);
        setMe(value);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setMe(null);
        else setFailure(error as Error);
      },
    );
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    if (path !== "/setup" && path !== "/reset-password") loadMe();
    else setMe(null);
  }, []);

  // Keyed on the person, not the `me` object: re-reading /api/auth/me must not reopen a stream the
  // server refused (too many tabs), or the two would loop.
  const signedIn = me ? me.user.id : null;
  useEffect(() => {
    if (signedIn) startLive(loadMe);
    else stopLive();
  }, [signedIn]);

  const announce = useCallback((text: string) => {
    setAnnouncement(text);
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-2), { id, text }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 5000);
  }, []);

  if (path === "/setup") return <SetupScreen onDone={() => { navigate("/"); loadMe(); }} />;
  if (path === "/reset-password") return <ResetPasswordScreen onDone={() => { navigate("/"); loadMe(); }} />;
  if (failure && me === undefined) {
    return (
      <div class="auth">
        <Banner tone="error">{failure.message} <Button size="small" onClick={loadMe}>Try again</Button></Banner>
      </div>
    );
  }
  if (me === undefined) return <Loading label="Starting Railyard…" />;
  if (me === null) return <LoginScreen onDone={loadMe} />;

  const logout = () => {
    api.logout().finally(() => {
      setMe(null);
      navigate("/");
    });
  };
  const session = makeSession(me, loadMe, logout, announce);
  return (
    <SessionContext.Provider value={session}>
      <Shell session={session}>
        <Routes path={path} />
      </Shell>
      <div class="sr-only" aria-live="polite" role="status">{announcement}</div>
      <div class="toasts" aria-hidden="true">
        {toasts.map((t) => <div class="toast" key={t.id}>{t.text}</div>)}
      </div>
    </SessionContext.Provider>
  );
}

function Routes({ path }: { path: string }) {
  const run = match("/runs/:id", path);
  if (run) return <RunDetailScreen id={run.id!} />;
  const project = match("/projects/:slug", path);
  if (project) return <ProjectsScreen slug={project.slug!} />;
  switch (path) {
    case "/":
      return <DashboardScreen />;
    case "/runs":
      return <RunsScreen />;
    case "/approvals":
      return <ApprovalsScreen />;
    case "/runbooks":
      return <RunbooksScreen />;
    case "/projects":
      return <ProjectsScreen />;
    case "/notes":
      return <NotesScreen />;
    case "/people":
      return <PeopleScreen />;
    case "/keys":
      return <KeysScreen />;
    case "/audit":
      return <AuditScreen />;
    case "/settings":
      return <SettingsScreen />;
    case "/account":
      return <AccountScreen />;
    default:
      return (
        <div class="card">
          <div class="empty">
            <strong>No such page</strong>
            <a href="/" onClick={(e) => { e.preventDefault(); navigate("/"); }}>Back to the dashboard</a>
          </div>
        </div>
      );
  }
}

const LIVE_MESSAGES: Record<string, string> = {
  "checkpoint.requested": "New approval requested",
  "checkpoint.approved": "A checkpoint was approved",
  "checkpoint.rejected": "A checkpoint was rejected",
  "run.started": "A run started",
  "run.completed": "A run completed",
  "run.failed": "A run failed",
  "run.blocked": "A run is blocked",
  "scope.violation": "Scope violation reported",
};

function Shell({ session, children }: { session: Session; children: ComponentChildren }) {
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  const connected = useLiveConnected();
  const pending = useResource(() => api.checkpoints("pending").then((page) => page.total).catch(() => 0), []);
  useLive(isCheckpointEvent, () => pending.reload());
  useEffect(() => {
    setPendingCount(pending.data ?? 0);
    return () => setPendingCount(0);
  }, [pending.data]);
  // "/" focuses the screen's search or first filter (as on GitHub), unless the person is typing.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], [role=dialog]")) return;
      const search = document.querySelector<HTMLElement>("main input[type=search]") ?? document.querySelector<HTMLElement>("main form[role=search] input, main form[role=search] select");
      if (!search) return;
      e.preventDefault();
      search.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  useLiveEvents((e: LiveEvent) => e.type in LIVE_MESSAGES, (e) => session.announce(LIVE_MESSAGES[e.type]!));
  useCheckpointNotifications(session);
  useEffect(() => setOpen(false), [path]);

  const { can } = session;
  const items: { href: string; label: string; show: boolean; count?: number }[] = [
    { href: "/", label: "Dashboard", show: true },
    { href: "/runs", label: "Runs", show: true },
    { href: "/approvals", label: "Approvals", show: true, count: pending.data },
    { href: "/runbooks", label: "Runbooks", show: true },
    { href: "/projects", label: "Projects", show: true },
    { href: "/notes", label: "Shared brain", show: true },
  ];
  const admin: typeof items = [
    { href: "/people", label: "People", show: can("users.manage") },
    { href: "/keys", label: "Keys", show: can("keys.own") || can("keys.revoke_others") },
    { href: "/audit", label: "Audit", show: true },
    { href: "/settings", label: "Settings", show: can("settings.manage") || can("users.manage") },
    { href: "/account", label: "Account", show: true },
  ];
  const current = (href: string) => (href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`));
  const link = (item: (typeof items)[number]) =>
    item.show ? (
      <a key={item.href} href={item.href} aria-current={current(item.href) ? "page" : undefined} onClick={(e) => { e.preventDefault(); navigate(item.href); }}>
        <span>{item.label}</span>
        {item.count ? <span class="count" aria-label={`${item.count} pending`}>{item.count}</span> : null}
      </a>
    ) : null;
  return (
    <div class="shell">
      <a class="skip-link" href="#content">Skip to content</a>
      <nav class={`nav ${open ? "open" : ""}`} aria-label="Main">
        <Brand />
        {items.map(link)}
        <div class="nav-section">Workspace</div>
        {admin.map(link)}
      </nav>
      <div class="main">
        {session.me.insecureTransport ? (
          <div class="banner warn top-banner" role="alert">
            This connection is not encrypted. Passwords and session cookies cross the network in clear text; configure --tls-cert and --tls-key.
          </div>
        ) : null}
        <header class="topbar">
          <Button class="menu-button" size="small" aria-expanded={open} aria-label="Menu" onClick={() => setOpen(!open)}>☰</Button>
          <span class={`live-dot ${connected ? "on" : ""}`}>{connected ? "Live" : "Offline"}</span>
          <div class="who">
            <strong>{session.me.user.name}</strong>
            <span class="email">{session.me.user.email}</span>
            <RolePill role={session.role} />
            <Button size="small" onClick={session.logout}>Sign out</Button>
          </div>
        </header>
        <main class="content" id="content" tabIndex={-1}>{children}</main>
      </div>
    </div>
  );
}

export { useSession };
