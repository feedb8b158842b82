import type { ApiRequest } from "@/lib/http/types";
import { ApiError, isApiError } from "./errors";

/**
 * Reads a request body, counting bytes as they arrive and refusing more than `maxBytes` without
 * buffering the excess: a declared Content-Length over the limit is refused before reading, a
 * chunked body as soon as it passes the limit.
 */
export async function readBodyBytes(request: ApiRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of request.body()) {
      total += chunk.byteLength;
      if (total > maxBytes) throw bodyTooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (isApiError(error)) throw error;
    // The body's stream fails only on the client's side (it hung up: "aborted"; it broke the
    // framing): a 400 like any bad body, not a server failure logged as one.
    throw new ApiError("invalid_input", `The request body did not arrive whole (${error instanceof Error ? error.message : "stream failed"})`);
  }
  return chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks);
}

export function bodyTooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `Request body exceeds the limit of ${maxBytes.toLocaleString("en-US")} bytes`);
}

/** JSON.parse with the failure turned into a 400 that says where the JSON broke (SCIM's invalidSyntax). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw new ApiError("invalid_input", "Request body is empty; a JSON object is required", { scimType: "invalidSyntax" });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("invalid_input", `Request body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}`, {
      scimType: "invalidSyntax",
    });
  }
}
