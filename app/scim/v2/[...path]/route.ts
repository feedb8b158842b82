// Every API endpoint under this folder is declared once in lib/api/registry.ts; this catch-all hands them to it.
export { DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT } from "@/lib/api/next-routes";
