import type { ConsoleSessionDto } from "@/lib/query/sessions";

/** How a session's browser reads in the list and its dialogs; the server names none when the browser sent no user agent. */
export const browserName = (session: Pick<ConsoleSessionDto, "browser">) => session.browser ?? "Unknown browser";
