import type { IncomingMessage } from "node:http";
import { clientAddress } from "@/lib/client-address";
import { CLIENT_IP_HEADER } from "@/lib/http/types";

/**
 * The client address comes from the socket, never from a header the client could forge, unless
 * the socket's peer is a proxy the operator trusts (TRUSTED_PROXIES).
 */
export function prepareRequest(req: IncomingMessage): void {
  req.headers[CLIENT_IP_HEADER] = clientAddress(req);
}
