import type { z } from "zod";

export type ContractMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * The client-safe half of an endpoint: where it is and what goes over the wire, as zod schemas.
 * The console's pages call it through lib/console/fetch.ts (types by z.infer of these schemas);
 * the server declares the endpoint by spreading the contract and adding auth, policy and handler
 * (lib/api/endpoint.ts). Nothing here may import server code.
 */
export type Contract = {
  method: ContractMethod;
  /** An OpenAPI path template, parameters in braces: `/api/console/things/{id}`. */
  path: string;
  params?: z.core.$ZodType;
  query?: z.core.$ZodType;
  body?: z.core.$ZodType;
  response: { status: number; description: string; schema?: z.core.$ZodType; contentType?: string };
};

export function defineContract<const C extends Contract>(contract: C): C {
  return contract;
}

type Schema = z.core.$ZodType;
type Input<S> = S extends Schema ? z.input<S> : never;
export type ContractInput<C extends Contract> = (C["params"] extends Schema ? { params: Input<C["params"]> } : { params?: undefined }) &
  (C["query"] extends Schema ? { query?: Input<C["query"]> } : { query?: undefined }) &
  (C["body"] extends Schema ? { body: Input<C["body"]> } : { body?: undefined });
export type ContractOutput<C extends Contract> = C["response"]["schema"] extends Schema ? z.output<C["response"]["schema"]> : undefined;

/** The path of a contract with its parameters filled in (each percent-encoded). */
export function contractPath(contract: Pick<Contract, "path">, params: Record<string, string> = {}): string {
  return contract.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${contract.path}: missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** The URL of a GET contract with its query string: for links and downloads. */
export function contractHref(
  contract: Pick<Contract, "path">,
  params?: Record<string, string>,
  query?: Record<string, string | number | null | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== null && value !== undefined && value !== "") search.set(name, String(value));
  const text = search.toString();
  return `${contractPath(contract, params)}${text ? `?${text}` : ""}`;
}
