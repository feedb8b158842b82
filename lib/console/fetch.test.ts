import { afterEach, describe, expect, it, vi } from "vitest";
import { userContracts } from "@/lib/contracts/users";
import { STEP_UP_PROBLEM_TYPE } from "@/lib/contracts/step-up";
import { ConsoleApiError, consoleFetch, setCsrfToken, setStepUpHandler } from "./fetch";

// consoleFetch's step-up: a refusal of that problem type opens the registered dialog and, once the
// person stepped up, the same request goes again with the new CSRF token (docs/decisions/0023).

const problem = (type: string) =>
  new Response(JSON.stringify({ type, title: "Confirm it's you", status: 403, detail: "needs a step-up", code: "step_up_required" }), {
    status: 403,
    headers: { "content-type": "application/problem+json" },
  });
const reactivated = () => new Response(JSON.stringify({ data: { outcome: { status: "reactivated" } } }), { status: 200 });

function stubFetch(...answers: Response[]) {
  const sent: { url: string; csrf: string | null }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      sent.push({ url, csrf: new Headers(init.headers).get("x-csrf-token") });
      return answers.shift()!;
    }),
  );
  return sent;
}

const reactivate = () =>
  consoleFetch({ ...userContracts.reactivate, response: { ...userContracts.reactivate.response, schema: undefined } }, { params: { id: "u1" } });

afterEach(() => {
  vi.unstubAllGlobals();
  setStepUpHandler(null);
});

describe("consoleFetch and step-up", () => {
  it("asks the step-up handler, then sends the same request again with the new CSRF token", async () => {
    setCsrfToken("old-token");
    const sent = stubFetch(problem(STEP_UP_PROBLEM_TYPE), reactivated());
    const handler = vi.fn(async () => {
      setCsrfToken("new-token");
      return true;
    });
    setStepUpHandler(handler);
    await expect(reactivate()).resolves.toBeUndefined();
    expect(handler).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([
      { url: "/api/console/users/u1/reactivate", csrf: "old-token" },
      { url: "/api/console/users/u1/reactivate", csrf: "new-token" },
    ]);
  });

  it("lets the refusal through when the person cancels, and never asks for other 403s", async () => {
    setCsrfToken("token");
    stubFetch(problem(STEP_UP_PROBLEM_TYPE));
    setStepUpHandler(async () => false);
    await expect(reactivate()).rejects.toMatchObject({ status: 403, code: "step_up_required" });

    const handler = vi.fn(async () => true);
    setStepUpHandler(handler);
    const sent = stubFetch(problem("urn:roster:problem:forbidden"));
    await expect(reactivate()).rejects.toBeInstanceOf(ConsoleApiError);
    expect(handler).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
  });
});
