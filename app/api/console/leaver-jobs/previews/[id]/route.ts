import { consoleLeaverEndpoints as endpoints } from "@/lib/api/endpoints/leavers";

export const dynamic = "force-dynamic";

// GET /api/console/leaver-jobs/previews/{id} — a preview with one page of rows (?class=&page=&page_size=)
export const GET = endpoints.getPreview;
