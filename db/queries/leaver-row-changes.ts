import type { Db } from "../client";
import { inList, prepared } from "../prepared";
import type { LeaverClass, LeaverOutcome } from "../schema";
import type { DeactivationResult } from "./user-status";

// What runs is the preview that was confirmed (and approved: docs/decisions/0025). A row whose
// user is no longer what the preview said is not acted upon blindly: it gets the outcome
// "changed_since_preview", its reason naming the class it was previewed as and what it is now.

type Row = { class: LeaverClass; userId: string | null };
type Effect = { outcome: LeaverOutcome; reason: string | null };

export const changed = (previewed: LeaverClass, now: string): Effect => ({ outcome: "changed_since_preview", reason: `previewed as ${previewed}; now ${now}` });

/** A deactivation's result for a row previewed as will_deactivate: deactivated, or what changed since. */
export function deactivationOutcome(row: Row, result: DeactivationResult): Effect {
  if (result.status === "deactivated") return { outcome: "deactivated", reason: null };
  return changed(row.class, result.status === "not-found" ? "the user no longer exists" : "already_inactive");
}

/**
 * The rows previewed as already inactive, in the batch's transaction: still inactive, they stay
 * "already_inactive"; reactivated or deleted since, they are reported changed and left alone
 * (a deactivation nobody previewed, or approved, is not made). Fills `effects` in place.
 */
export async function settlePreviewedInactive(db: Db, rows: readonly Row[], effects: (Effect | undefined)[]): Promise<void> {
  const ids = rows.flatMap((row, i) => (!effects[i] && row.class === "already_inactive" && row.userId ? [row.userId] : []));
  if (ids.length === 0) return;
  const list = inList(ids);
  const found = await prepared<{ id: string; active: number | boolean }>(db, `select id, active from users where id in ${list.sql}`).all(...list.values);
  const active = new Map(found.map((user) => [user.id, Boolean(user.active)]));
  for (const [i, row] of rows.entries()) {
    if (effects[i] || row.class !== "already_inactive" || !row.userId) continue;
    const now = active.get(row.userId);
    effects[i] =
      now === undefined ? changed(row.class, "the user no longer exists") : now ? changed(row.class, "active") : { outcome: "already_inactive", reason: null };
  }
}
