import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull(),
  name: text("name").notNull(),
  remoteUrl: text("remote_url"),
  /** Globs read-only for everyone (generated code, vendored libraries). */
  protectedGlobs: text("protected_globs", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [uniqueIndex("projects_slug_unique").on(t.slug)]);

export const modules = sqliteTable("modules", {
  id: text("id").primaryKey(),
  projectId: text("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  globs: text("globs", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
}, (t) => [uniqueIndex("modules_project_name_unique").on(t.projectId, t.name)]);

/** Per-role access level of a module; a missing row means `editable`. */
export const moduleAccess = sqliteTable("module_access", {
  moduleId: text("module_id").notNull().references(() => modules.id, { onDelete: "cascade" }),
  role: text("role", { enum: ["owner", "admin", "lead", "developer", "auditor"] }).notNull(),
  level: text("level", { enum: ["editable", "read_only", "excluded"] }).notNull(),
}, (t) => [primaryKey({ columns: [t.moduleId, t.role] })]);

/** Shared-brain notes per project (≤ 2000 characters, scanned). */
export const knowledgeNotes = sqliteTable("knowledge_notes", {
  id: text("id").primaryKey(),
  projectId: text("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  body: text("body").notNull(),
  paths: text("paths", { mode: "json" }).$type<string[]>().notNull(),
  authorKind: text("author_kind", { enum: ["human", "agent"] }).notNull(),
  authorUserId: text("author_user_id"),
  runId: text("run_id"),
  createdAt: integer("created_at").notNull(),
  /** Agent-written notes stay `proposed` until a lead approves them; only approved notes reach agents. */
  status: text("status", { enum: ["proposed", "approved"] }).notNull().default("approved"),
  reviewedBy: text("reviewed_by"),
  updatedAt: integer("updated_at"),
}, (t) => [index("knowledge_notes_project_idx").on(t.projectId, t.createdAt)]);
