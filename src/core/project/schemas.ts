import { z } from "zod";
import { ROLES } from "../roles.ts";
import { globProblem, MAX_GLOB_LENGTH } from "../scope/glob.ts";

export const ProjectSlug = z.string().max(64).regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, "use 1-64 lower-case letters, digits and inner hyphens");
export const ProjectName = z.string().trim().min(1, "enter a name").max(100);
export const ModuleName = z.string().max(64).regex(/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, "use 1-64 lower-case letters, digits, dots, underscores and inner hyphens");

/** http(s), ssh:// or scp-like git remotes; never with a password inside. */
export const RemoteUrl = z.string().trim().min(1).max(2048)
  .refine((v) => !/\s/.test(v), "a remote URL has no spaces")
  // The web app shows and links the remote: javascript:, file: or data: addresses are refused here.
  .refine((v) => /^(?:https?|ssh|git\+ssh):\/\/[^/]/i.test(v) || /^[\w.-]+@[\w.-]+:(?!\/\/)\S/.test(v), "use an https://, http://, ssh:// or git@host:path address")
  .refine((v) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(v), "a remote URL must not contain a password");

export const Glob = z.string().max(MAX_GLOB_LENGTH).superRefine((value, ctx) => {
  const problem = globProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
export const Globs = z.array(Glob).max(100, "at most 100 globs");

export const AccessLevel = z.enum(["editable", "read_only", "excluded"]);
export const AccessMap = z.partialRecord(z.enum(ROLES), AccessLevel);
export type AccessMap = z.infer<typeof AccessMap>;

export const CreateProjectInput = z.strictObject({
  slug: ProjectSlug,
  name: ProjectName,
  remoteUrl: RemoteUrl.optional(),
  protectedGlobs: Globs.optional(),
});

export const ProjectRef = z.strictObject({ slug: ProjectSlug });

export const UpdateProjectInput = z.strictObject({
  slug: ProjectSlug,
  name: ProjectName.optional(),
  remoteUrl: RemoteUrl.nullable().optional(),
  protectedGlobs: Globs.optional(),
});

export const CreateModuleInput = z.strictObject({
  projectSlug: ProjectSlug,
  name: ModuleName,
  globs: Globs.min(1, "a module needs at least one glob"),
  access: AccessMap.optional(),
});

export const ModuleRef = z.strictObject({ projectSlug: ProjectSlug, name: ModuleName });

export const UpdateModuleInput = z.strictObject({
  projectSlug: ProjectSlug,
  name: ModuleName,
  newName: ModuleName.optional(),
  globs: Globs.min(1, "a module needs at least one glob").optional(),
});

export const SetModuleAccessInput = z.strictObject({
  projectSlug: ProjectSlug,
  name: ModuleName,
  access: AccessMap,
});

export interface ProjectView {
  id: string;
  slug: string;
  name: string;
  remoteUrl: string | null;
  protectedGlobs: string[];
  createdAt: number;
  updatedAt: number;
}

/** A module as one viewer may see it: globs masked when the viewer's role has it excluded. */
export interface ModuleView {
  id: string;
  name: string;
  globs: string[];
  /** The viewer's own access level. */
  access: z.infer<typeof AccessLevel>;
  /** Every role's level: only for roles that manage projects. */
  accessByRole?: Record<(typeof ROLES)[number], z.infer<typeof AccessLevel>>;
  createdAt: number;
  updatedAt: number;
}
