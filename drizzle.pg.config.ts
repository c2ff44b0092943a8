import { defineConfig } from "drizzle-kit";

// PostgreSQL migrations, generated from the schema derived from the SQLite one (src/db/pg/schema.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/pg/schema-tables.ts",
  out: "./migrations/postgres",
  migrations: { prefix: "index" },
});
