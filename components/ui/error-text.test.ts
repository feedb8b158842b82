import { describe, expect, it } from "vitest";
import { ConsoleApiError } from "@/lib/console/fetch";
import { errorText, UNREACHABLE } from "./error-text";

describe("errorText", () => {
  it("reads the server's message, status and field errors from an API error", () => {
    const error = new ConsoleApiError(400, "invalid_input", "Invalid input", { name: "name is required", "scopes.0": "unknown scope" });
    expect(errorText(error)).toEqual({
      message: "Invalid input",
      status: 400,
      fields: { name: "name is required", "scopes.0": "unknown scope" },
      retryable: false,
    });
    expect(errorText(error, { withFields: true }).message).toBe("Invalid input: name is required; unknown scope");
    expect(errorText(new ConsoleApiError(404, "not_found", "Not found"), { withFields: true }).message).toBe("Not found");
  });

  it("says a retry may help only when the server failed or asked to slow down", () => {
    expect(errorText(new ConsoleApiError(500, "error", "Internal server error")).retryable).toBe(true);
    expect(errorText(new ConsoleApiError(503, "error", "Request failed (503)")).retryable).toBe(true);
    expect(errorText(new ConsoleApiError(429, "rate_limited", "Too many requests")).retryable).toBe(true);
    expect(errorText(new ConsoleApiError(403, "forbidden", "Forbidden")).retryable).toBe(false);
    expect(errorText(new ConsoleApiError(409, "conflict", "Changed meanwhile")).retryable).toBe(false);
  });

  it("treats anything else as Roster not reached", () => {
    for (const error of [new TypeError("Failed to fetch"), new DOMException("aborted", "AbortError"), "boom", undefined]) {
      expect(errorText(error)).toEqual({ message: UNREACHABLE, status: null, fields: {}, retryable: true });
    }
    expect(UNREACHABLE).toBe("Could not reach Roster; check your connection and try again");
  });
});
