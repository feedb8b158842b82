import { z } from "zod";
import { allWellFormed } from "@/db/well-formed";
import { BODY_BUDGET_RETRY_AFTER_SECONDS, bodyOwnerOf, reserveBodyBytes } from "@/lib/http/body-budget";
import type { ApiRequest } from "@/lib/http/types";
import { ApiError, isApiError } from "./errors";

/** The largest JSON body an endpoint reads unless it declares more (`maxBodyBytes`): all but the bulk ones are a few fields. */
export const DEFAULT_JSON_BODY_BYTES = 64 * 1024;

/**
 * How long a JSON body may take to arrive once it has begun. Every JSON body is small (the largest, a 1,000-address
 * lookup, needs ~190 kbit/s at its limit), so one still arriving after this is stalled; the server's requestTimeout,
 * sized for leaver files, bounds uploads (docs/decisions/0033).
 */
export const JSON_BODY_DEADLINE_MS = 30_000;

/**
 * Reads a request body, counting bytes as they arrive and refusing more than `maxBytes` without
 * buffering the excess: a declared Content-Length over the limit is refused before reading, a
 * chunked body as soon as it passes the limit. The bytes held count against the process's body
 * budget (lib/http/body-budget.ts) until the read ends, however it ends; a body the budget has no
 * room for is refused (429). With `deadlineMs`, a body that has begun to arrive and is not whole
 * that long after is refused (400): before its first byte it holds nothing.
 */
export async function readBodyBytes(request: ApiRequest, maxBytes: number, options: { deadlineMs?: number } = {}): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
  const reservation = reserveBodyBytes(bodyOwnerOf(request));
  const iterator = request.body()[Symbol.asyncIterator]();
  let deadline: Deadline | null = null;
  let finished = false;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = await (deadline ? deadline.race(iterator.next()) : iterator.next());
      if (next.done) break;
      const chunk = next.value;
      total += chunk.byteLength;
      if (total > maxBytes) throw bodyTooLarge(maxBytes);
      if (!reservation.take(chunk.byteLength)) throw bodyBudgetSpent();
      chunks.push(chunk);
      // Armed only for a body still incomplete: one that came whole with its headers (the API's usual) costs no timer.
      if (!deadline && options.deadlineMs !== undefined && total !== declared) deadline = startDeadline(options.deadlineMs);
    }
    finished = true;
  } catch (error) {
    if (isApiError(error)) throw error;
    // The body's stream fails only on the client's side (it hung up: "aborted"; it broke the
    // framing): a 400 like any bad body, not a server failure logged as one.
    throw new ApiError("invalid_input", `The request body did not arrive whole (${error instanceof Error ? error.message : "stream failed"})`);
  } finally {
    deadline?.stop();
    reservation.release();
    // Not awaited: past a deadline the stream may wait for a byte that never comes (the server closes the connection).
    if (!finished) iterator.return?.().catch(() => {});
  }
  return chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks);
}

type Deadline = { race<T>(pending: Promise<T>): Promise<T>; stop(): void };

function startDeadline(ms: number): Deadline {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    const problem = () => new ApiError("invalid_input", `The request body did not arrive within ${(ms / 1000).toLocaleString("en-US")} seconds`);
    timer = setTimeout(() => reject(problem()), ms).unref();
  });
  return { race: (pending) => Promise.race([pending, expired]), stop: () => clearTimeout(timer) };
}

export function bodyTooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `Request body exceeds the limit of ${maxBytes.toLocaleString("en-US")} bytes`);
}

/** The process holds as many body bytes as it may, or this caller its share: retry once some have arrived whole. */
export function bodyBudgetSpent(): ApiError {
  return new ApiError("rate_limited", "Too many request bodies are arriving at once; retry in a few seconds", {
    headers: { "retry-after": String(BODY_BUDGET_RETRY_AFTER_SECONDS) },
  });
}

// Text decoded from UTF-8 has no lone surrogate: only a \u escape writes one (\uD800-\uDFFF).
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * JSON.parse with the failure turned into a 400 that says where the JSON broke (SCIM's invalidSyntax).
 * A string holding half a surrogate pair is refused too, as I-JSON (RFC 7493) does: no database
 * stores it (SQLite keeps bytes that read back as U+FFFD, PostgreSQL's jsonb refuses it with an error), so what was
 * sent could never be what is kept. Only bodies with such an escape are walked.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw new ApiError("invalid_input", "Request body is empty; a JSON object is required", { scimType: "invalidSyntax" });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError("invalid_input", `Request body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}`, {
      scimType: "invalidSyntax",
    });
  }
  if (text.includes("\\u") && SURROGATE_ESCAPE.test(text) && !allWellFormed(value))
    throw new ApiError("invalid_input", "Request body has a lone surrogate (a \\uD800-\\uDFFF escape without its pair), which no text can hold", {
      scimType: "invalidValue",
    });
  return value;
}

// ---- What a JSON body may need ----------------------------------------------------------------------

type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  maxLength?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
};

/** A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair is 4 for two); clients escape only what JSON makes them. */
const UTF8_BYTES_PER_CHAR = 3;
/** "-1.7976931348623157e+308" */
const LONGEST_NUMBER = 24;
/** A line break and indentation before each value, for clients that pretty-print. */
const PRETTY_PRINT_BYTES = 32;

/**
 * The longest JSON text `schema` accepts, in bytes: for an endpoint whose bodies may need more than
 * DEFAULT_JSON_BODY_BYTES to declare as its `maxBodyBytes`, derived from the limits its schema sets
 * rather than written again. Strings count at their maxLength, arrays at maxItems (`openArrayItems`
 * for an array the handler counts itself), properties the schema does not name not at all (they are
 * dropped). Throws when some part has no bound: such an endpoint keeps the default.
 */
export function jsonBytesAllowedBy(schema: z.core.$ZodType, options: { openArrayItems?: number } = {}): number {
  const root = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const bytes = longest(root, root, options.openArrayItems ?? Infinity);
  if (!Number.isFinite(bytes)) throw new Error("the schema leaves a string's length, an array's items or a record's keys unbounded");
  return bytes;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

function longest(node: JsonSchema, root: JsonSchema, openArrayItems: number): number {
  const of = (child: JsonSchema) => longest(child, root, openArrayItems);
  if (node.$ref) return of(root.$defs?.[node.$ref.replace("#/$defs/", "")] ?? {});
  if ("const" in node) return jsonBytes(node.const);
  if (node.enum) return Math.max(...node.enum.map(jsonBytes));
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return Math.max(...alternatives.map(of));
  const types = Array.isArray(node.type) ? node.type : [node.type];
  return Math.max(
    ...types.map((type) => {
      switch (type) {
        case "null":
          return 4;
        case "boolean":
          return 5;
        case "number":
        case "integer":
          return LONGEST_NUMBER;
        case "string":
          return 2 + (node.maxLength ?? Infinity) * UTF8_BYTES_PER_CHAR;
        case "array":
          return 2 + (node.maxItems ?? openArrayItems) * (of(node.items ?? {}) + 1 + PRETTY_PRINT_BYTES);
        case "object": {
          const members = Object.entries(node.properties ?? {}).map(([key, value]) => jsonBytes(key) + 1 + of(value) + 1 + PRETTY_PRINT_BYTES);
          return members.length ? 2 + members.reduce((sum, bytes) => sum + bytes, 0) : Infinity;
        }
        default:
          return Infinity;
      }
    }),
  );
}
