"use client";

import * as z from "zod/mini";
import { contractHref, type Contract, type ContractInput, type ContractOutput } from "@/lib/contracts/contract";
import { STEP_UP_PROBLEM_TYPE } from "@/lib/contracts/step-up";

/** An error the console API answered (RFC 9457 problem details): `message` is its detail, `details` its field problems. */
export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

let csrfToken = "";
/** Set once by the console layout from the session; sent on every change. */
export function setCsrfToken(token: string) {
  csrfToken = token;
}
export const currentCsrfToken = () => csrfToken;

/**
 * Asks the person to step up (the console's dialog, docs/decisions/0023); true once they did, and
 * the session's new CSRF token is set. Registered by the console's providers; none on /login.
 */
export type StepUpHandler = () => Promise<boolean>;
let stepUpHandler: StepUpHandler | null = null;
export function setStepUpHandler(handler: StepUpHandler | null) {
  stepUpHandler = handler;
}

async function asksForStepUp(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  const problem: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  return typeof problem === "object" && problem !== null && (problem as { type?: unknown }).type === STEP_UP_PROBLEM_TYPE;
}

type Problem = { detail?: string; title?: string; code?: string; errors?: Record<string, string> };

/** Turns an answer into its parsed body, or throws ConsoleApiError; a 401 sends the browser to sign in. */
export async function readConsoleAnswer<S extends z.core.$ZodType | undefined>(
  response: Response,
  schema: S,
  options: { redirectOn401?: boolean } = {},
): Promise<S extends z.core.$ZodType ? z.output<S> : undefined> {
  if (response.status === 401 && options.redirectOn401 !== false && typeof window !== "undefined") {
    // A full page load (not a client navigation), so no signed-in state survives in memory.
    window.location.assign(new URL(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, window.location.origin).href);
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below as an unexpected answer.
  }
  if (!response.ok) {
    const problem = (body ?? {}) as Problem;
    throw new ConsoleApiError(
      response.status,
      problem.code ?? "error",
      problem.detail ?? problem.title ?? `Request failed (${response.status})`,
      problem.errors,
    );
  }
  if (!schema) return undefined as never;
  const parsed = z.safeParse(schema, body);
  if (!parsed.success)
    throw new ConsoleApiError(response.status, "unexpected_answer", "Roster answered in a form this page does not understand; reload the page");
  return parsed.data as never;
}

// The sign-in and its second step answer 401 for a wrong password or code: the form shows it, no redirect.
const SIGN_IN_PATH = /\/api\/console\/session(\/|$)/;

/**
 * Calls a console endpoint by its contract (lib/contracts): the path with its parameters, the
 * query string, a JSON body and the CSRF token on changes; the answer is parsed with the
 * contract's zod schema, so a component gets exactly the type the server declared. A refusal
 * that asks for a step-up opens the step-up dialog and, once the person stepped up, sends the
 * same request again (with the new CSRF token): the caller sees only the second answer.
 */
export async function consoleFetch<C extends Contract>(contract: C, input: ContractInput<C> & { signal?: AbortSignal }): Promise<ContractOutput<C>> {
  const url = contractHref(contract, input.params as Record<string, string> | undefined, input.query as Record<string, string | number> | undefined);
  const send = () =>
    fetch(url, {
      method: contract.method,
      signal: input.signal,
      headers: {
        ...(input.body !== undefined && { "content-type": "application/json" }),
        ...(contract.method !== "GET" && { "x-csrf-token": csrfToken }),
      },
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      credentials: "same-origin",
    });
  let response = await send();
  if (stepUpHandler && (await asksForStepUp(response)) && (await stepUpHandler())) response = await send();
  return readConsoleAnswer(response, contract.response.schema, { redirectOn401: contract.method === "GET" || !SIGN_IN_PATH.test(contract.path) }) as Promise<
    ContractOutput<C>
  >;
}
