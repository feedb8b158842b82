import { ApiError } from "./errors";

/** Reads a request body as text, refusing more than `maxBytes` without buffering the excess. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  // With a Content-Length the HTTP parser already stops the body at that size, so the whole body
  // can be read at once; only chunked bodies need counting as they stream in.
  if (Number.isFinite(declared)) return request.text();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `Request body exceeds the limit of ${maxBytes.toLocaleString("en-US")} bytes`);
}

/** JSON.parse with the failure turned into a 400 that says where the JSON broke. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw new ApiError("invalid_input", "Request body is empty; a JSON object is required");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError("invalid_input", `Request body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}`);
  }
}
