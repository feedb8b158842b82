import { once } from "node:events";
import busboy from "busboy";
import { bodyOwnerOf, reserveBodyBytes } from "@/lib/http/body-budget";
import type { ApiRequest } from "@/lib/http/types";
import { ApiError } from "./errors";
import { bodyBudgetSpent, readBodyBytes } from "./request-body";

export type Upload = { bytes: Buffer; fileName: string | null };

const problem = (message: string) => new ApiError("invalid_input", message, { details: { file: message } });
const megabytes = (bytes: number) => `${bytes / 1024 / 1024} MB`;

/**
 * The uploaded file: the request body itself (e.g. text/csv), or the `file` field of a multipart
 * form, parsed by busboy as it streams in. Bytes are counted as they arrive and the upload is
 * refused the moment it passes `maxBytes`, so nothing beyond the limit is ever held in memory; what
 * is held counts against the process's body budget while it arrives (lib/http/body-budget.ts).
 */
export async function readUpload(request: ApiRequest, maxBytes: number): Promise<Upload> {
  const type = request.headers.get("content-type") ?? "";
  const tooLarge = problem(`The file is larger than the limit of ${megabytes(maxBytes)}`);
  if (/^multipart\/form-data/i.test(type)) {
    // Room for the form's own boundaries and part headers around a file at the limit.
    if (Number(request.headers.get("content-length") ?? 0) > maxBytes + 64 * 1024) throw tooLarge;
    return readMultipartFile(request, type, maxBytes, tooLarge);
  }
  if (/json|^application\/x-www-form-urlencoded/i.test(type)) {
    throw problem("Send the CSV file itself as the body (Content-Type: text/csv) or as the file field of a multipart form");
  }
  try {
    return { bytes: await readBodyBytes(request, maxBytes), fileName: null };
  } catch (error) {
    throw error instanceof ApiError && error.kind === "payload_too_large" ? tooLarge : error;
  }
}

async function readMultipartFile(request: ApiRequest, contentType: string, maxBytes: number, tooLarge: ApiError): Promise<Upload> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": contentType }, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 4096, parts: 40 } });
  } catch {
    throw problem("The multipart form could not be read");
  }
  // Set from busboy's events; a holder object, since TypeScript cannot see assignments made in callbacks.
  const state: { failure: ApiError | null; file: Upload | null } = { failure: null, file: null };
  const fail = (error: ApiError) => (state.failure ??= error);
  const done = new Promise<void>((resolve) => {
    parser.on("file", (field, stream, info) => {
      if (field !== "file") {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => fail(tooLarge));
      stream.on("end", () => (state.file = { bytes: Buffer.concat(chunks), fileName: info.filename || null }));
    });
    parser.on("error", () => fail(problem("The multipart form could not be read")));
    parser.on("close", resolve);
  });
  const reservation = reserveBodyBytes(bodyOwnerOf(request));
  try {
    for await (const chunk of request.body()) {
      if (state.failure) break;
      // The form's framing counts too: it passes through busboy's buffers with the file.
      if (!reservation.take(chunk.byteLength)) {
        fail(bodyBudgetSpent());
        break;
      }
      if (!parser.write(chunk)) await Promise.race([once(parser, "drain"), done]);
    }
    if (!state.failure) {
      parser.end();
      await done;
    }
  } finally {
    reservation.release();
  }
  if (state.failure) throw state.failure;
  if (!state.file) throw problem('The form needs a file field named "file"');
  return state.file;
}
