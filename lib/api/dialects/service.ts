import type { ApiError } from "../errors";
import { json, NO_CREDENTIALS, type Dialect } from "./types";

/** Health and the OpenAPI document: plain JSON for load balancers and tools, no credentials. */
export const serviceDialect: Dialect = {
  name: "service",
  family: "service",
  readCredentials: NO_CREDENTIALS,
  success: (data, status) => json(data, status),
  error: (error: ApiError) => json({ error: error.kind, message: error.message }, error.status),
};
