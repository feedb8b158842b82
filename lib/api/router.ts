import type { Dialect } from "./dialects/types";
import type { AnyEndpoint } from "./endpoint";

export type RouteMatch =
  | { kind: "endpoint"; endpoint: AnyEndpoint; params: Record<string, string> }
  | { kind: "method-not-allowed"; dialect: Dialect; allow: string[] }
  | { kind: "malformed"; dialect: Dialect }
  | { kind: "not-found"; dialect: Dialect };

type Route = { template: string; pattern: RegExp; paramNames: string[]; staticSegments: number; byMethod: Map<string, AnyEndpoint>; dialect: Dialect };

const PARAM = /^\{(\w+)\}$/;
const segmentsOf = (path: string) => path.split("/").slice(1);

function compile(template: string, dialect: Dialect): Route {
  const paramNames: string[] = [];
  const source = segmentsOf(template)
    .map((segment) => {
      const param = PARAM.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      paramNames.push(param[1] as string);
      return "([^/]+)";
    })
    .join("/");
  return {
    template,
    pattern: new RegExp(`^/${source}$`),
    paramNames,
    staticSegments: segmentsOf(template).length - paramNames.length,
    byMethod: new Map(),
    dialect,
  };
}

function decodeAll(names: string[], values: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  try {
    names.forEach((name, index) => (params[name] = decodeURIComponent(values[index] ?? "")));
  } catch {
    return null;
  }
  return params;
}

/**
 * Matches raw request paths against the registry's path templates. Static segments win over
 * parameters (`/a/b/email` before `/a/b/{id}`); parameters are
 * percent-decoded here, and a broken encoding is an answer of its own (400) in the path's dialect.
 * Paths under a known family of endpoints (their first two segments) that match nothing get that
 * family's 404, so every answer under /api and /v1 speaks the caller's dialect.
 */
export function createRouter(endpoints: readonly AnyEndpoint[]) {
  const routes = new Map<string, Route>();
  const families = new Map<string, Dialect>();
  for (const endpoint of endpoints) {
    const route = routes.get(endpoint.path) ?? compile(endpoint.path, endpoint.dialect);
    if (route.dialect !== endpoint.dialect) throw new Error(`${endpoint.path}: every method of a path speaks one dialect`);
    if (route.byMethod.has(endpoint.method)) throw new Error(`${endpoint.method} ${endpoint.path} is declared twice`);
    route.byMethod.set(endpoint.method, endpoint);
    routes.set(endpoint.path, route);
    families.set(`/${segmentsOf(endpoint.path).slice(0, 2).join("/")}`, endpoint.dialect);
  }
  const ordered = [...routes.values()].sort((a, b) => b.staticSegments - a.staticSegments);
  const roots = new Set([...families.keys()].map((family) => `/${segmentsOf(family)[0]}`));

  function familyOf(pathname: string): Dialect | null {
    const segments = segmentsOf(pathname);
    return families.get(`/${segments.slice(0, 2).join("/")}`) ?? null;
  }

  return {
    routes: ordered,
    /** Whether a path belongs to the API at all (under one of the registry's top-level folders). */
    isApiPath: (pathname: string) => roots.has(`/${segmentsOf(pathname)[0]}`),
    match(method: string, pathname: string, fallback: Dialect): RouteMatch | null {
      for (const route of ordered) {
        const found = route.pattern.exec(pathname);
        if (!found) continue;
        const params = decodeAll(route.paramNames, found.slice(1));
        if (!params) return { kind: "malformed", dialect: route.dialect };
        const endpoint = route.byMethod.get(method) ?? (method === "HEAD" ? route.byMethod.get("GET") : undefined);
        if (!endpoint) return { kind: "method-not-allowed", dialect: route.dialect, allow: [...route.byMethod.keys()] };
        return { kind: "endpoint", endpoint, params };
      }
      if (!roots.has(`/${segmentsOf(pathname)[0]}`)) return null;
      const dialect = familyOf(pathname) ?? fallback;
      try {
        decodeURIComponent(pathname);
      } catch {
        return { kind: "malformed", dialect };
      }
      return { kind: "not-found", dialect };
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
