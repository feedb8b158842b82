import type { Db } from "../client";
import { checkedOnly, inList, prepared } from "../prepared";

/**
 * The actors of a tenant's audit log, as the (tenant, actor id, actor name) index holds them
 * (audit_events_tenant_actor_idx, in both migrations): an absent id or name is ''.
 */
export const ACTOR_ID_KEY = "coalesce(actor_id, '')";
export const ACTOR_NAME_KEY = "coalesce(actor_name, '')";

/** An actor as events name it: the id and the name it had then. */
export type AuditActorKey = { id: string; name: string };

/** Past this many distinct actors (or this many matching the text) the filter is tested on each event instead. */
export const MAX_ACTORS_READ = 1_000;
export const MAX_ACTORS_MATCHED = 64;

/** The steps of the skip through the index (exported for the tests of their plans). */
export const ACTOR_STEPS = {
  firstId: `select ${ACTOR_ID_KEY} as k from audit_events where tenant_id = ? order by ${ACTOR_ID_KEY} limit 1`,
  nextId: `select ${ACTOR_ID_KEY} as k from audit_events where tenant_id = ? and ${ACTOR_ID_KEY} > ? order by ${ACTOR_ID_KEY} limit 1`,
  firstName: `select ${ACTOR_NAME_KEY} as k from audit_events where tenant_id = ? and ${ACTOR_ID_KEY} = ? order by ${ACTOR_NAME_KEY} limit 1`,
  nextName: `select ${ACTOR_NAME_KEY} as k from audit_events
  where tenant_id = ? and ${ACTOR_ID_KEY} = ? and ${ACTOR_NAME_KEY} > ? order by ${ACTOR_NAME_KEY} limit 1`,
};

/**
 * The actors whose id or name contains `text`, in any case: what the audit log's actor filter
 * means, found among the tenant's distinct actors instead of on every event. A log holds few
 * actors (admins, tokens, identity providers, Roster's own jobs) and many events: testing each
 * event read a million of them for an actor who acted rarely or never (0.63 s, every page). The
 * index is skipped through one actor at a time, a lookup each. Null when the tenant has more than
 * MAX_ACTORS_READ actors or more than MAX_ACTORS_MATCHED match: the caller tests each event then.
 */
export async function auditActorKeys(db: Db, tenantId: string, text: string): Promise<AuditActorKey[] | null> {
  const needle = text.trim().toLowerCase();
  const contains = (value: string) => value.toLowerCase().includes(needle);
  const next = async (sql: string, ...args: string[]) => (await prepared<{ k: string }>(db, sql).get(tenantId, ...args))?.k;
  const matching: AuditActorKey[] = [];
  let read = 0;
  for (let id = await next(ACTOR_STEPS.firstId); id !== undefined; id = await next(ACTOR_STEPS.nextId, id)) {
    for (let name = await next(ACTOR_STEPS.firstName, id); name !== undefined; name = await next(ACTOR_STEPS.nextName, id, name)) {
      if (++read > MAX_ACTORS_READ) return null;
      if (!contains(id) && !contains(name)) continue;
      if (matching.length === MAX_ACTORS_MATCHED) return null;
      matching.push({ id, name });
    }
  }
  return matching;
}

/**
 * The events of these actors. The ids' and names' lists let an index look them up (every id with
 * every name: a superset), the pairs keep it exact. `checked`: tested on each event read some other
 * way, never looked up by (checkedOnly).
 */
export function actorKeysCondition(db: Db, keys: readonly AuditActorKey[], checked: boolean): { sql: string; args: string[] } {
  if (keys.length === 0) return { sql: "false", args: [] };
  const id = checked ? checkedOnly(db.dialect, ACTOR_ID_KEY) : ACTOR_ID_KEY;
  const name = checked ? checkedOnly(db.dialect, ACTOR_NAME_KEY) : ACTOR_NAME_KEY;
  const ids = inList([...new Set(keys.map((key) => key.id))]);
  const names = inList([...new Set(keys.map((key) => key.name))]);
  // Padded like the lists (repeats of the first pair), so that a few statements serve every count.
  const pairs = inList(keys);
  const pairSql = pairs.values.map(() => `(${id} = ? and ${name} = ?)`).join(" or ");
  return {
    sql: `(${id} in ${ids.sql} and ${name} in ${names.sql} and (${pairSql}))`,
    args: [...ids.values, ...names.values, ...pairs.values.flatMap((key) => [key.id, key.name])],
  };
}
