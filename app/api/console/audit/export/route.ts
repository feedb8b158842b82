import { exportAuditLog } from "@/lib/console/audit-endpoints";

export const dynamic = "force-dynamic";

// GET /api/console/audit/export?actor=&action=&target=&from=&to= — the filtered audit log as a CSV download
export const GET = exportAuditLog;
