/**
 * What a driver's AsyncLocalStorage holds while a transaction's work runs: the transaction the
 * statements belong to, and the turn of the transactions nested in this scope. One connection
 * nests savepoints, it cannot interleave them: two started side by side (`Promise.all` of
 * inTransaction calls) would release or roll back each other's, so they take turns.
 */
export type Scope<Transaction> = { transaction: Transaction; nested: Promise<void> };

export const scopeOf = <Transaction>(transaction: Transaction): Scope<Transaction> => ({ transaction, nested: Promise.resolve() });

/** Runs `step` once the nested transactions begun earlier in `scope` have ended. */
export async function inTurn<T>(scope: Scope<unknown>, step: () => Promise<T>): Promise<T> {
  const before = scope.nested;
  let ended!: () => void;
  scope.nested = new Promise((resolve) => (ended = resolve));
  try {
    await before;
    return await step();
  } finally {
    ended();
  }
}
