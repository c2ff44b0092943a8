export * from "./people.ts";
export * from "./projects.ts";
export * from "./runs.ts";
export * from "./audit.ts";
