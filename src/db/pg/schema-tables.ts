// The derived tables as named exports, the form drizzle-kit reads (see schema.ts). A test fails
// when a table of src/db/schema/ is missing here.
import type { PgTable } from "drizzle-orm/pg-core";
import { pgTables } from "./schema.ts";

const t = pgTables as Record<string, PgTable>;
export const auditEvents = t.auditEvents!, auditPurgeWindow = t.auditPurgeWindow!, ssoIdentities = t.ssoIdentities!, ssoSessions = t.ssoSessions!;
export const notificationChannels = t.notificationChannels!, notificationPreferences = t.notificationPreferences!, notificationOutbox = t.notificationOutbox!, notificationDeliveries = t.notificationDeliveries!;
export const users = t.users!, sessions = t.sessions!, setupTokens = t.setupTokens!, passwordResetTokens = t.passwordResetTokens!;
export const loginThrottle = t.loginThrottle!, pluginKeys = t.pluginKeys!, settings = t.settings!, projects = t.projects!;
export const modules = t.modules!, moduleAccess = t.moduleAccess!, knowledgeNotes = t.knowledgeNotes!, runbooks = t.runbooks!;
export const runbookVersions = t.runbookVersions!, runbookChanges = t.runbookChanges!, runs = t.runs!, workUnits = t.workUnits!;
export const checkpoints = t.checkpoints!, builds = t.builds!, usageReports = t.usageReports!, fileReports = t.fileReports!;
export const driftSignals = t.driftSignals!, runClaims = t.runClaims!, auditStreams = t.auditStreams!;
export const projectBudgets = t.projectBudgets!, projectUsageMonths = t.projectUsageMonths!, runBudgets = t.runBudgets!, budgetMarks = t.budgetMarks!;
export const runbookProposals = t.runbookProposals!, jobLeases = t.jobLeases!;
