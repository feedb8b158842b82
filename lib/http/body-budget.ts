import type { ApiRequest } from "./types";

/**
 * The request body bytes this process holds while it reads them, in all and per owner (a token, an
 * admin's session, a client address). A body that would pass either bound is refused instead of
 * buffered: slow or stalled bodies from a few callers must not pile up until the process runs out of
 * memory, and one caller must not take what everyone shares (docs/decisions/0033).
 *
 * The server's bundle and Next's each carry a copy of this module; the ledger is one per process,
 * so it lives on globalThis under a registered symbol, which both copies name alike.
 */
export const BODY_BUDGET_BYTES = 64 * 1024 * 1024;
/** Room for one leaver file at its limit and the JSON bodies of the same caller beside it (held so by lib/api/body-limits.test.ts). */
export const BODY_BUDGET_PER_OWNER_BYTES = 24 * 1024 * 1024;
/** Held bodies finish or time out within seconds to minutes; a refused caller is told to come back soon rather than at once. */
export const BODY_BUDGET_RETRY_AFTER_SECONDS = 10;

type Ledger = { total: number; byOwner: Map<string, number>; ownerOf: WeakMap<ApiRequest, string> };
const LEDGER = Symbol.for("roster.requestBodyBudget");
const shared = globalThis as typeof globalThis & { [LEDGER]?: Ledger };
const ledger = (): Ledger => (shared[LEDGER] ??= { total: 0, byOwner: new Map(), ownerOf: new WeakMap() });

/** Names whose share a request's body counts against (the pipeline does, once it knows the caller). */
export function attributeBody(request: ApiRequest, owner: string): void {
  ledger().ownerOf.set(request, owner);
}

/** The owner `attributeBody` named for the request, or its client's address when none did (before authentication, a public endpoint). */
export function bodyOwnerOf(request: ApiRequest): string {
  return ledger().ownerOf.get(request) ?? `ip:${request.clientIp}`;
}

/** Bytes held now: in all, or by one owner. */
export function bodyBytesHeld(owner?: string): number {
  const { total, byOwner } = ledger();
  return owner === undefined ? total : (byOwner.get(owner) ?? 0);
}

export interface BodyReservation {
  /** Counts `bytes` more as held; false, counting nothing, when that would pass the process's budget or the owner's share. */
  take(bytes: number): boolean;
  /** Gives back everything taken; once is enough, more is harmless. */
  release(): void;
}

/** A reservation that grows with the body as it arrives; release it on every way out of the read. */
export function reserveBodyBytes(owner: string): BodyReservation {
  const books = ledger();
  let held = 0;
  return {
    take(bytes) {
      const owned = books.byOwner.get(owner) ?? 0;
      if (books.total + bytes > BODY_BUDGET_BYTES || owned + bytes > BODY_BUDGET_PER_OWNER_BYTES) return false;
      books.total += bytes;
      books.byOwner.set(owner, owned + bytes);
      held += bytes;
      return true;
    },
    release() {
      if (held === 0) return;
      books.total -= held;
      const left = (books.byOwner.get(owner) ?? held) - held;
      if (left > 0) books.byOwner.set(owner, left);
      else books.byOwner.delete(owner);
      held = 0;
    },
  };
}
