import type { z } from "zod";
import type { Db } from "@/db/client";
import type { SignInMethod } from "@/db/queries/sessions";
import type { TokenPrincipal } from "@/lib/auth/authenticate-token";
import type { ProvisionerIdentity } from "@/lib/auth/scim-tokens";
import type { PolicyAction, PolicyContext, PolicyResource } from "@/lib/auth/policy";
import type { ApiRequest, FileBody } from "@/lib/http/types";
import type { Dialect } from "./dialects/types";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * "token": a personal access token in the dialect's headers; "session": the console cookie (CSRF on
 * changes); "provisioner": an identity provider's SCIM token (`Authorization: Bearer rscim_…`); "none": public.
 */
export type Auth = "token" | "session" | "provisioner" | "none";

/** Who is calling: a token (API) or an admin's console session, with what the policies need. */
export type Principal = TokenPrincipal & {
  actor: { type: "token" | "admin"; id: string; name: string };
  /** A console session's last authentication (sign-in or step-up): what the step-up gate judges. Tokens have none. */
  authentication?: { at: number | null; method: SignInMethod | null };
};

/** An identity provider provisioning users through SCIM; it acts as itself, never as an admin. */
export type ProvisionerPrincipal = ProvisionerIdentity & { actor: { type: "provider"; id: string; name: string } };

/** The caller a handler of an endpoint with this auth sees. */
export type PrincipalOf<A extends Auth> = A extends "none" ? null : A extends "provisioner" ? ProvisionerPrincipal : Principal;

type Schema = z.core.$ZodType | undefined;
export type Parsed<S extends Schema> = S extends z.core.$ZodType ? z.output<S> : undefined;
type Wire<S extends Schema> = S extends z.core.$ZodType ? z.input<S> : unknown;

export type HandlerContext<A extends Auth, P extends Schema, Q extends Schema, B extends Schema> = {
  db: Db;
  principal: PrincipalOf<A>;
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  request: ApiRequest;
  requestId: string;
  /** Asks the policies about a specific resource; throws the dialect's 403 when denied. */
  authorize(action: PolicyAction, resource: PolicyResource, context?: PolicyContext): void;
};

declare const jsonOf: unique symbol;
/** A response body already written as JSON, typed by the value it holds (a SCIM list serializes each resource once). */
export type JsonText<T> = string & { readonly [jsonOf]: T };

/** Text a handler wrote as the JSON of a `T`: the type only records the claim. */
export const jsonText = <T>(text: string) => text as JsonText<T>;

/**
 * What a handler returns; `status` defaults to the endpoint's documented success status. `json` is
 * `data` already serialized, for a dialect that takes it (successJson).
 * `redirect` answers a browser's navigation with a redirect to that URL (302 unless `status` says
 * otherwise) and no body; `cookies` are Set-Cookie values, one header each.
 */
export type HandlerResult<R extends Schema> = { status?: number; headers?: Record<string, string>; cookies?: string[] } & (
  { data: Wire<R> } | { json: JsonText<Wire<R>> } | { file: FileBody } | { empty: true } | { redirect: string }
);

export type ParameterDoc = { description: string; example?: string };

export type EndpointDocs = {
  summary: string;
  description: string;
  parameters?: Record<string, ParameterDoc>;
  bodyExample?: unknown;
};

/**
 * One endpoint, declared once: where it lives, who may call it, what it parses and answers, how it
 * is documented, and its handler. The server's dispatch table, 405 answers, the OpenAPI document
 * and the scope tables are all derived from the list of these in ./registry.ts.
 */
export type Endpoint<A extends Auth = Auth, P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema, R extends Schema = Schema> = {
  operationId: string;
  method: HttpMethod;
  /** An OpenAPI path template, parameters in braces: `/v1/things/{id}/parts`. */
  path: string;
  dialect: Dialect;
  auth: A;
  /** The policy action checked against the caller's tenant before the handler runs (required unless auth is "none"). */
  action?: PolicyAction;
  /**
   * A console session must have authenticated within STEP_UP_MAX_AGE_SECONDS (docs/decisions/0023),
   * or the call is refused with the `step-up-required` problem the console's dialog answers. Tokens
   * are not asked: they are the automation path, and making one needs a step-up.
   */
  stepUp?: true;
  params?: P;
  query?: Q;
  /** A JSON body, parsed before the handler runs. */
  body?: B;
  /**
   * The largest JSON body read, when the schema allows more than DEFAULT_JSON_BODY_BYTES (64 KiB;
   * lib/api/request-body.ts): derive it from the schema with `jsonBytesAllowedBy` rather than write a
   * number. API_MAX_BODY_BYTES caps it.
   */
  maxBodyBytes?: number;
  /** The handler reads the body itself (a file upload): the documented content types and the size limit. */
  upload?: { contentTypes: string[]; maxBytes: number; description: string };
  response: { status: number; description: string; schema?: R; contentType?: string };
  /** Error statuses the endpoint can answer besides 401/403/429/500, which every authenticated endpoint can. */
  errors?: readonly number[];
  docs?: EndpointDocs;
  handler: (context: HandlerContext<A, P, Q, B>) => HandlerResult<R> | Promise<HandlerResult<R>>;
};

export type AnyEndpoint = Endpoint<Auth, Schema, Schema, Schema, Schema>;

/** Declares an endpoint with its handler typed from its schemas; the registry holds it untyped. */
export function defineEndpoint<
  A extends Auth,
  P extends Schema = undefined,
  Q extends Schema = undefined,
  B extends Schema = undefined,
  R extends Schema = undefined,
>(endpoint: Endpoint<A, P, Q, B, R>): AnyEndpoint {
  return endpoint as unknown as AnyEndpoint;
}
