import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "@/db/client";
import { prepareDatabase } from "@/lib/setup/database";
import { tempDatabaseFile } from "@/test/db";
import { makeAdminWithToken, makeTenant } from "@/test/factories";
import { recordTokenUse } from "./auth";

// Two connections on one file stand for two instances, each flushing the last-use times it buffered.
const file = tempDatabaseFile("token-use");
const first = openDatabase(file);
prepareDatabase(first);
const second = openDatabase(file);
afterAll(() => [first, second].forEach(closeDatabase));

const lastUsed = (tokenId: string) =>
  (first.$client.prepare("select last_used_at as at from personal_access_tokens where id = ?").get(tokenId) as { at: number | null }).at;

describe("recordTokenUse", () => {
  it("keeps the latest use whichever instance flushes last", () => {
    const { tokenId } = makeAdminWithToken(first, makeTenant(first).id);
    recordTokenUse(first, new Map([[tokenId, 2_000]]));
    // The other instance's buffer holds an older use, flushed afterwards: it does not move the time back.
    recordTokenUse(second, new Map([[tokenId, 1_000]]));
    expect(lastUsed(tokenId)).toBe(2_000);
    recordTokenUse(second, new Map([[tokenId, 3_000]]));
    expect(lastUsed(tokenId)).toBe(3_000);
  });
});
