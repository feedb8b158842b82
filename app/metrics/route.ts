// The metrics endpoint is declared once in lib/api/endpoints/service.ts; in development Next.js serves it from here.
export { GET, HEAD } from "@/lib/api/next-routes";
