import { consoleDialect } from "@/lib/api/dialects/console";
import { defineEndpoint } from "@/lib/api/endpoint";
import { auditContracts as c } from "@/lib/contracts/audit";
import { auditLogCsv, auditLogPage } from "../audit";

// Admins and auditors (policy audit-log-requires-admin-or-auditor-role).
const reader = { dialect: consoleDialect, auth: "session", action: "readAuditLog" } as const;

export const AUDIT_ENDPOINTS = [
  // One page of the filtered audit log, newest first
  defineEndpoint({
    ...c.list,
    ...reader,
    operationId: "consoleListAuditLog",
    errors: [400],
    handler: async ({ db, principal, query }) => ({ data: { data: await auditLogPage(db, principal.tenantId, query) } }),
  }),
  // The filtered log as CSV, newest first, at most 100,000 events
  defineEndpoint({
    ...c.exportCsv,
    ...reader,
    operationId: "consoleExportAuditLog",
    errors: [400],
    handler: async ({ db, principal, query }) => ({ file: await auditLogCsv(db, principal.tenantId, query) }),
  }),
];
