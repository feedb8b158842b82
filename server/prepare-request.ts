import type { IncomingMessage } from "node:http";
import { CLIENT_IP_HEADER } from "@/lib/http/types";

/** The client address comes from the socket, never from a header the client could forge. */
export function prepareRequest(req: IncomingMessage): void {
  req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
}
