/** Set by server/prepare-request.ts from the socket; any value a client sends is replaced there. */
export const CLIENT_IP_HEADER = "x-roster-client-ip";
