import type { Db } from "@/db/client";

/** Users whose copy in users_search differs from the row (or is missing); 0 when the triggers did their work. */
export function searchCopyDiffers(db: Db): number {
  return (
    (
      db.$client
        .prepare(
          "select count(*) as n from users u join tenants t on t.id = u.tenant_id left join users_search s on s.rowid = u.rowid " +
            "left join users_updated_at a on a.user_rowid = u.rowid " +
            "where s.rowid is null or s.tenant_tag is not t.search_tag or s.email_normalized is not u.email_normalized or s.name_folded is not u.name_folded " +
            "or s.unique_code_folded is not u.unique_code_folded or s.created_at is not u.created_at or a.updated_at is not u.updated_at or s.unique_code is not u.unique_code",
        )
        .get() as { n: number }
    ).n +
    (
      db.$client
        .prepare("select (select count(*) from users_search) + (select count(*) from users_updated_at) - 2 * (select count(*) from users) as n")
        .get() as { n: number }
    ).n
  );
}
