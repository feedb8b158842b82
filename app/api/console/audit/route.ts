import { listAuditLog } from "@/lib/console/audit-endpoints";

export const dynamic = "force-dynamic";

// GET /api/console/audit?actor=&action=&target=&from=&to=&page=&size= — the tenant's audit log, newest first
export const GET = listAuditLog;
