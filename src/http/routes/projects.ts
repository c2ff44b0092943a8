import { Elysia } from "elysia";
import { createModule } from "../../core/project/create-module.ts";
import { createProject } from "../../core/project/create-project.ts";
import { deleteProject } from "../../core/project/delete-project.ts";
import { listModules, moduleAccessMatrix } from "../../core/project/list-modules.ts";
import { getProject, listProjects } from "../../core/project/list-projects.ts";
import { updateProject } from "../../core/project/update-project.ts";
import { deleteModule, setModuleAccess, updateModule } from "../../core/project/update-module.ts";
import { listProjectClaims } from "../../core/run/list-claims.ts";
import { projectScope } from "../../core/scope/project-scope.ts";
import { authenticate, bodyFields } from "../auth.ts";
import type { RouteDeps } from "./index.ts";

/** Projects, their modules and the per-role module access matrix. */
export function projectsRoutes(deps: RouteDeps) {
  return new Elysia()
    .get("/api/projects", async ({ request, set }) => {
      const ctx = await authenticate(deps, request, set);
      return { projects: await listProjects({ ctx }) };
    }, { detail: { summary: "Every project" } })
    .post("/api/projects", async ({ request, body, set }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const project = await createProject({ ctx, input: bodyFields(body) });
      set.status = 201;
      return { project };
    }, { detail: { summary: "Create a project {slug, name, remoteUrl?, protectedGlobs?} (owner and admin)" } })
    .get("/api/projects/:slug", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return { project: await getProject({ ctx, input: { slug: params.slug } }), modules: await listModules({ ctx, input: { slug: params.slug } }) };
    }, { detail: { summary: "One project and its modules (excluded modules masked for the viewer's role)" } })
    .patch("/api/projects/:slug", async ({ request, body, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { project: await updateProject({ ctx, input: { ...bodyFields(body), slug: params.slug } }) };
    }, { detail: { summary: "Change a project's {name?, remoteUrl?, protectedGlobs?}" } })
    .delete("/api/projects/:slug", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { project: await deleteProject({ ctx, input: { slug: params.slug } }) };
    }, { detail: { summary: "Delete a project without runs, with its modules" } })
    .get("/api/projects/:slug/claims", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return await listProjectClaims({ ctx, input: { slug: params.slug } });
    }, { detail: { summary: "The paths active runs claim in a project, with their runs (masked for the viewer's role)" } })
    .get("/api/projects/:slug/modules", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return { modules: await listModules({ ctx, input: { slug: params.slug } }) };
    }, { detail: { summary: "A project's modules (excluded modules masked for the viewer's role)" } })
    .post("/api/projects/:slug/modules", async ({ request, body, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      const module = await createModule({ ctx, input: { ...bodyFields(body), projectSlug: params.slug } });
      set.status = 201;
      return { module };
    }, { detail: { summary: "Create a module {name, globs, access?}" } })
    .patch("/api/projects/:slug/modules/:name", async ({ request, body, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { module: await updateModule({ ctx, input: { ...bodyFields(body), projectSlug: params.slug, name: params.name } }) };
    }, { detail: { summary: "Rename a module or replace its globs {newName?, globs?}" } })
    .delete("/api/projects/:slug/modules/:name", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { module: await deleteModule({ ctx, input: { projectSlug: params.slug, name: params.name } }) };
    }, { detail: { summary: "Delete a module" } })
    .get("/api/projects/:slug/access", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return await moduleAccessMatrix({ ctx, input: { slug: params.slug } });
    }, { detail: { summary: "The access matrix: every module × every role (owner and admin)" } })
    .put("/api/projects/:slug/modules/:name/access", async ({ request, body, set, params }) => {
      const ctx = await authenticate(deps, request, set, { write: true });
      return { module: await setModuleAccess({ ctx, input: { ...bodyFields(body), projectSlug: params.slug, name: params.name } }) };
    }, { detail: { summary: "Set roles' access to a module {access: {role: editable|read_only|excluded}}" } })
    .get("/api/projects/:slug/scope", async ({ request, set, params }) => {
      const ctx = await authenticate(deps, request, set);
      return { scope: await projectScope({ ctx, input: { slug: params.slug } }) };
    }, { detail: { summary: "The viewer's own scope manifest for the project (what their agents receive)" } });
}
