// ListUsers' bounds, in a module of their own so that the API's input schema (lib/api/schemas.ts,
// which must stay importable anywhere) shares them without importing the query code.

/** The deepest row a page may reach (page × size), and the most users a query may match. */
export const MAX_LIST_DEPTH = 10_000;
/** A query is matched by its trigrams, so it needs three characters (after folding). */
export const MIN_QUERY_CHARACTERS = 3;
