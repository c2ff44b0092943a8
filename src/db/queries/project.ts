import { and, asc, eq, sql } from "drizzle-orm";
import type { ModuleLevels, ModuleWithAccess, ProjectQueries } from "../../core/project/queries.ts";
import { moduleAccess, modules, projects, runs } from "../schema/index.ts";
import { lazy, p, pSet, type SqliteDb } from "./sqlite-db.ts";

/** Prepares the project, module and module-access statements once for one connection. */
export function projectQueries(db: SqliteDb): ProjectQueries {
  const list = lazy(() => db.select().from(projects).orderBy(asc(projects.slug)).prepare());
  const bySlug = lazy(() => db.select().from(projects).where(eq(projects.slug, p("slug"))).prepare());
  const insert = lazy(() => db.insert(projects).values({
    id: p("id"), slug: p("slug"), name: p("name"), remoteUrl: p("remoteUrl"), protectedGlobs: p("protectedGlobs"), createdAt: p("createdAt"), updatedAt: p("updatedAt"),
  }).prepare());
  const update = lazy(() => db.update(projects).set({ name: pSet("name"), remoteUrl: pSet("remoteUrl"), protectedGlobs: pSet("protectedGlobs"), updatedAt: pSet("updatedAt") })
    .where(eq(projects.id, p("id"))).prepare());
  const remove = lazy(() => db.delete(projects).where(eq(projects.id, p("id"))).prepare());
  const hasRuns = lazy(() => db.select({ id: runs.id }).from(runs).where(eq(runs.projectId, p("projectId"))).limit(1).prepare());
  const withAccess = {
    id: modules.id, projectId: modules.projectId, name: modules.name, globs: modules.globs, createdAt: modules.createdAt, updatedAt: modules.updatedAt,
    access: sql<string | null>`(SELECT json_group_object(${moduleAccess.role}, ${moduleAccess.level}) FROM ${moduleAccess} WHERE ${moduleAccess.moduleId} = ${modules.id})`,
  };
  const modulesOf = lazy(() => db.select(withAccess).from(modules).where(eq(modules.projectId, p("projectId"))).orderBy(asc(modules.name)).prepare());
  const moduleByName = lazy(() => db.select(withAccess).from(modules).where(and(eq(modules.projectId, p("projectId")), eq(modules.name, p("name")))).prepare());
  const insertModule = lazy(() => db.insert(modules).values({
    id: p("id"), projectId: p("projectId"), name: p("name"), globs: p("globs"), createdAt: p("createdAt"), updatedAt: p("updatedAt"),
  }).prepare());
  const updateModule = lazy(() => db.update(modules).set({ name: pSet("name"), globs: pSet("globs"), updatedAt: pSet("updatedAt") }).where(eq(modules.id, p("id"))).prepare());
  const deleteModule = lazy(() => db.delete(modules).where(eq(modules.id, p("id"))).prepare());
  const setAccess = lazy(() => db.insert(moduleAccess).values({ moduleId: p("moduleId"), role: p("role"), level: p("level") })
    .onConflictDoUpdate({ target: [moduleAccess.moduleId, moduleAccess.role], set: { level: sql`excluded.level` } }).prepare());
  const clearAccess = lazy(() => db.delete(moduleAccess).where(and(eq(moduleAccess.moduleId, p("moduleId")), eq(moduleAccess.role, p("role")))).prepare());

  const levels = (row: Omit<ModuleWithAccess, "access"> & { access: string | null }): ModuleWithAccess =>
    ({ ...row, access: row.access === null ? {} : (JSON.parse(row.access) as ModuleLevels) });
  return {
    list: async () => list.all(),
    bySlug: async (slug) => bySlug.get({ slug }),
    insert: async (row) => {
      await insert.run({ ...row });
    },
    update: async (row) => {
      await update.run({ ...row });
    },
    delete: async (id) => {
      await remove.run({ id });
    },
    hasRuns: async (projectId) => (await hasRuns.get({ projectId })) !== undefined,
    modulesWithAccess: async (projectId) => (await modulesOf.all({ projectId })).map(levels),
    moduleByName: async (projectId, name) => {
      const row = await moduleByName.get({ projectId, name });
      return row && levels(row);
    },
    insertModule: async (row) => {
      await insertModule.run({ ...row });
    },
    updateModule: async (row) => {
      await updateModule.run({ ...row });
    },
    deleteModule: async (id) => {
      await deleteModule.run({ id });
    },
    setAccess: async (moduleId, role, level) => {
      await setAccess.run({ moduleId, role, level });
    },
    clearAccess: async (moduleId, role) => {
      await clearAccess.run({ moduleId, role });
    },
  };
}
