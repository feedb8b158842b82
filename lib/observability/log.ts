import pino, { type Logger } from "pino";
import { serverEnv } from "@/lib/env";

/**
 * The process's structured logger: one JSON object per line on stdout, with `requestId` on every
 * line about a request, and errors under `err` (pino's serializer keeps message and stack).
 * LOG_LEVEL picks the level. One logger per process, on globalThis, because the server's bundle
 * and Next's each load this module.
 */
const holder = globalThis as unknown as { rosterLogger?: Logger };

export function logger(): Logger {
  holder.rosterLogger ??= pino(
    {
      level: serverEnv().LOG_LEVEL,
      base: { service: "roster", pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Asynchronous: lines logged while a write is under way go out together in the next one,
    // rather than a blocking write per request line on the API's fast path.
    pino.destination({ dest: 1, sync: false }),
  );
  return holder.rosterLogger;
}
