// ListUsers' bounds and orders, in a module of their own so that the API's input schema (lib/api/schemas.ts,
// which must stay importable anywhere) shares them without importing the query code.

/** The deepest row a page may reach (page × size). */
export const MAX_LIST_DEPTH = 10_000;
/**
 * The most users a query may match. Every match is rechecked and sorted from the trigram index's
 * copy of its keys, a random read of 4–6 µs apiece, after a walk of the tenant's tag (10–17 ms on
 * a million users): this many keep each statement near 30 ms on a 2-core machine whose timings
 * move by a third from run to run; 5,000 came to 37–44 ms, too near the 50 ms bound
 * (bench/os1-list.ts). A query past it is no search: 25 pages of 100.
 */
export const MAX_QUERY_MATCHES = 2_500;
/** A query is matched by its trigrams, so it needs three characters (after folding). */
export const MIN_QUERY_CHARACTERS = 3;
/** The orders a list can be read in, each served by an index (db/queries/user-list.ts). */
export const USER_SORT_KEYS = ["createdAt", "updatedAt", "name", "email", "uniqueCode"] as const;
