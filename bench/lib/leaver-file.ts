import { openDatabaseUrl } from "@/db/client";

/**
 * The benchmarks' leaver file for a seeded tenant: `rows` rows, 90% of them its active users
 * (sampled evenly, admins left out), 10% addresses nobody has, shuffled; with a reason and a
 * ticket per row. `emails` are the file's addresses in its order.
 */
export async function leaverFile(databaseUrl: string, tenantId: string, rows: number): Promise<{ csv: string; emails: string[] }> {
  const db = openDatabaseUrl(databaseUrl);
  try {
    const existing = Math.round(rows * 0.9);
    // In email order on both databases, so the even sample is the same users.
    const active = (
      await db
        .statement<{ email: string }>(
          "select email from users where tenant_id = ? and active = true and id not in (select user_id from admins) order by email_normalized",
        )
        .all(tenantId)
    ).map((row) => row.email);
    if (active.length < existing) throw new Error(`only ${active.length} active users for ${existing} leavers: raise --users`);
    const step = active.length / existing;
    const emails = Array.from({ length: existing }, (_, i) => active[Math.floor(i * step)] as string);
    for (let i = existing; i < rows; i++) emails.push(`nobody-${i}@unknown.example`);
    for (let i = emails.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [emails[i], emails[j]] = [emails[j] as string, emails[i] as string];
    }
    return { csv: `email,reason,ticket\n${emails.map((e, i) => `${e},benchmark,BENCH-${i}`).join("\n")}\n`, emails };
  } finally {
    await db.close();
  }
}
