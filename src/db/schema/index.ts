export * from "./people.ts";
export * from "./projects.ts";
export * from "./runs.ts";
export * from "./audit.ts";
export * from "./stream.ts";
export * from "./notify.ts";
export * from "./identity.ts";
export * from "./budget.ts";
