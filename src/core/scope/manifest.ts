import { AppError, notFound } from "../errors.ts";
import type { Role } from "../roles.ts";
import type { Queries } from "../store.ts";
import { compileGlob, splitPath, type CompiledGlob } from "./glob.ts";

export type AccessLevel = "editable" | "read_only" | "excluded";
export type PathClass = AccessLevel | "unlisted";

/**
 * What one role may touch in one project. Excluded modules are masked: they appear only as
 * `‹module-name›` (in `excluded` and as the module's only glob), never with their real globs.
 */
export interface ScopeManifest {
  readonly projectId: string;
  readonly editable: string[];
  readonly readOnly: string[];
  readonly excluded: string[];
  readonly modules: { name: string; globs: string[]; access: AccessLevel }[];
}

interface Compiled {
  readonly editable: CompiledGlob[];
  readonly readOnly: CompiledGlob[];
  /** The real globs of the role's excluded modules (never part of the manifest's data). */
  readonly excluded: { name: string; globs: CompiledGlob[] }[];
}

// The real globs of excluded modules travel beside the manifest object, not inside it, so
// serialising a manifest can never reveal them. A copied manifest has no entry here and is refused.
const compiledManifests = new WeakMap<ScopeManifest, Compiled>();

/** The text shown in place of anything inside an excluded module. */
export function maskedName(moduleName: string): string {
  return `‹${moduleName}›`;
}

/**
 * Computes the scope manifest of `role` in a project: editable and read-only globs from the
 * modules' access levels, project-protected globs read-only for everyone, excluded modules masked.
 */
export async function scopeManifest(q: Pick<Queries, "runs">, { projectId, role }: { projectId: string; role: Role }): Promise<ScopeManifest> {
  const project = await q.runs.scopeSource(projectId, role);
  if (!project) throw notFound("project");
  const manifest: ScopeManifest = { projectId, editable: [], readOnly: [...project.protectedGlobs], excluded: [], modules: [] };
  const compiled: Compiled = { editable: [], readOnly: project.protectedGlobs.map(compileGlob), excluded: [] };
  for (const row of project.modules) {
    const access = row.level ?? "editable";
    if (access === "excluded") {
      manifest.excluded.push(maskedName(row.name));
      manifest.modules.push({ name: row.name, globs: [maskedName(row.name)], access });
      compiled.excluded.push({ name: row.name, globs: row.globs.map(compileGlob) });
    } else {
      (access === "editable" ? manifest.editable : manifest.readOnly).push(...row.globs);
      (access === "editable" ? compiled.editable : compiled.readOnly).push(...row.globs.map(compileGlob));
      manifest.modules.push({ name: row.name, globs: [...row.globs], access });
    }
  }
  compiledManifests.set(manifest, compiled);
  return manifest;
}

function compiledOf(manifest: ScopeManifest): Compiled {
  const compiled = compiledManifests.get(manifest);
  // Fail closed: without the hidden globs an excluded path would look unlisted.
  if (!compiled) throw new AppError("internal", "scope manifest was copied; classify against the object scopeManifest returned");
  return compiled;
}

function firstExcluded(compiled: Compiled, split: ReturnType<typeof splitPath>): string | null {
  for (const module of compiled.excluded) {
    for (const glob of module.globs) if (glob.matchSplit(split)) return module.name;
  }
  return null;
}

/** Classifies a repository-relative path; the most restrictive match wins (excluded > read_only > editable). */
export function classifyPath(manifest: ScopeManifest, path: string): PathClass {
  const compiled = compiledOf(manifest);
  const split = splitPath(path);
  if (firstExcluded(compiled, split) !== null) return "excluded";
  if (compiled.readOnly.some((g) => g.matchSplit(split))) return "read_only";
  if (compiled.editable.some((g) => g.matchSplit(split))) return "editable";
  return "unlisted";
}

/** The path as the manifest's role may see it: `‹module-name›` inside an excluded module, unchanged otherwise. */
export function maskPath(manifest: ScopeManifest, path: string): string {
  const name = firstExcluded(compiledOf(manifest), splitPath(path));
  return name === null ? path : maskedName(name);
}

// Candidate path tokens in free text: runs of characters a repository path may contain. Quotes,
// brackets, commas, colons (`file.ts:42`), `#`, `=` and whitespace end a token, so a path written
// inside a sentence, a stack trace or `key=value` is still found.
const PATH_TOKEN = /[\p{L}\p{N}_\-.\/\\@+~$%]+/gu;

/** The first excluded module a token names, trying it whole and from each segment on (`/abs/repo/src/x`). */
function tokenModule(compiled: Compiled, token: string): string | null {
  const segments = splitPath(token.replaceAll("\\", "/")).raw;
  for (let i = 0; i < segments.length; i++) {
    const name = firstExcluded(compiled, splitPath(segments.slice(i).join("/")));
    if (name !== null) return name;
  }
  return null;
}

/**
 * Free text as the manifest's role may see it: every path-like token that lies in one of the
 * role's excluded modules becomes `‹module-name›`. Apply to every string written by someone
 * else (summaries, log tails, notes, titles, reasons) before it leaves the core toward a reader
 * whose role sees runs masked; `null` (an unmasked reader) returns the text unchanged.
 */
export function maskText<T extends string | null>(manifest: ScopeManifest | null, text: T): T {
  if (manifest === null || text === null || text === "") return text;
  const compiled = compiledOf(manifest);
  if (compiled.excluded.length === 0) return text;
  return text.replace(PATH_TOKEN, (token) => {
    // A sentence's full stop is not part of the path: try without trailing dots first, and keep them.
    const core = token.replace(/\.+$/, "");
    const coreName = core === "" || core === token ? null : tokenModule(compiled, core);
    if (coreName !== null) return maskedName(coreName) + token.slice(core.length);
    const name = tokenModule(compiled, token);
    return name === null ? token : maskedName(name);
  }) as T;
}
