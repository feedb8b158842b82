import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ConsoleApiError } from "@/lib/console/fetch";
import { LoadError } from "./load-error";

describe("LoadError", () => {
  it("says what did not load and why, and retries a server failure", async () => {
    const onRetry = vi.fn();
    render(<LoadError what="your tokens" error={new ConsoleApiError(503, "unavailable", "Service unavailable")} onRetry={onRetry} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Could not load your tokens: Service unavailable");
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("offers no retry for a refusal, and names the refused fields when asked", () => {
    const refused = new ConsoleApiError(400, "invalid_input", "Invalid input", { from: "from must be an ISO date" });
    render(<LoadError what="the audit log" error={refused} withFields onRetry={() => {}} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Could not load the audit log: Invalid input: from must be an ISO date");
    expect(screen.queryByRole("button")).toBeNull();
  });
});
