import { ConsoleApiError } from "@/lib/console/fetch";

export const UNREACHABLE = "Could not reach Roster; check your connection and try again";

export type ErrorText = {
  /** The sentence a person reads. */
  message: string;
  /** The HTTP status of the answer, or null when there was none. */
  status: number | null;
  /** The server's per-field messages (`details`), by field path; empty for anything else. */
  fields: Record<string, string>;
  /**
   * Whether trying the same thing again may work: the request never got an answer, the server
   * failed (5xx), or it asked to slow down (429). A refusal (other 4xx) stays a refusal.
   */
  retryable: boolean;
};

/**
 * What a thrown error means to a person. An API error carries the server's own message; anything
 * else (fetch's TypeError, an aborted or unreadable answer) means Roster was not reached.
 * `withFields` appends the field messages ("Invalid input: name is required; …") for forms and
 * filters, whose generic message alone would not say what to change.
 */
export function errorText(error: unknown, options: { withFields?: boolean } = {}): ErrorText {
  if (!(error instanceof ConsoleApiError)) return { message: UNREACHABLE, status: null, fields: {}, retryable: true };
  const fields = { ...error.details };
  const details = Object.values(fields);
  const message = options.withFields && details.length > 0 ? `${error.message}: ${details.join("; ")}` : error.message;
  return { message, status: error.status, fields, retryable: error.status >= 500 || error.status === 429 };
}

/** Only the sentence, for the many places that show nothing else. */
export const errorMessage = (error: unknown, options?: { withFields?: boolean }) => errorText(error, options).message;
