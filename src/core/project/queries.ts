// The project queries the core needs (interface only; src/db/queries/project.ts implements them).
import type { Role } from "../roles.ts";
import type { AccessLevel } from "../scope/manifest.ts";

export interface ProjectRow {
  id: string;
  slug: string;
  name: string;
  remoteUrl: string | null;
  /** Globs read-only for everyone. */
  protectedGlobs: string[];
  createdAt: number;
  updatedAt: number;
}

export interface ModuleRow {
  id: string;
  projectId: string;
  name: string;
  globs: string[];
  createdAt: number;
  updatedAt: number;
}

/** Per-role access levels of one module; a role without an entry has `editable`. */
export type ModuleLevels = Partial<Record<Role, AccessLevel>>;

/** A module with its access levels, read in one query. */
export interface ModuleWithAccess extends ModuleRow {
  access: ModuleLevels;
}

export interface ProjectQueries {
  /** Every project, by slug. */
  list(): Promise<ProjectRow[]>;
  bySlug(slug: string): Promise<ProjectRow | undefined>;
  insert(row: ProjectRow): Promise<void>;
  /** Writes the name, remote URL, protected globs and updatedAt of `row.id`. */
  update(row: ProjectRow): Promise<void>;
  /** Deletes the project (its modules and their access go with it). */
  delete(id: string): Promise<void>;
  /** Whether any run refers to the project. */
  hasRuns(projectId: string): Promise<boolean>;
  /** A project's modules with their access levels, by name. */
  modulesWithAccess(projectId: string): Promise<ModuleWithAccess[]>;
  /** One module of a project, with its access levels. */
  moduleByName(projectId: string, name: string): Promise<ModuleWithAccess | undefined>;
  insertModule(row: ModuleRow): Promise<void>;
  /** Writes the name, globs and updatedAt of `row.id`. */
  updateModule(row: ModuleRow): Promise<void>;
  deleteModule(id: string): Promise<void>;
  /** Sets a role's level on a module (an existing level is replaced). */
  setAccess(moduleId: string, role: Role, level: AccessLevel): Promise<void>;
  /** Removes a role's level on a module (it reverts to `editable`). */
  clearAccess(moduleId: string, role: Role): Promise<void>;
}
