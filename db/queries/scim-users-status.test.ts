import { describe, expect, it } from "vitest";
import { createTestDb } from "@/test/db";
import { scimProvider, scimWrite, T0, tenantEvents, written } from "@/test/scim-users";
import { createScimUser, getScimUser, updateScimUser, updateScimUserStatus, type ScimUserRecord } from "./scim-users";

// A PATCH answering 204 takes updateScimUserStatus: it must write what updateScimUser writes, and
// answer with no more than the status (nothing read back).

describe("updateScimUserStatus", () => {
  const db = createTestDb();
  const scope = scimProvider(db);
  const make = async (userName: string) => written(await createScimUser(db, scope, scimWrite({ userName, name: "Pat Doe" }), T0));
  const strip = (record: ScimUserRecord | undefined) => ({
    ...record!,
    user: { ...record!.user, id: "", email: "", uniqueCode: "" },
    identity: { ...record!.identity, id: "", userName: "" },
  });
  const eventsOf = async (userId: string) =>
    (await tenantEvents(db, scope.tenantId))
      .filter((event) => event.targetId === userId)
      .map(({ action, outcome, actorType, actorId, details }) => ({ action, outcome, actorType, actorId, fields: details?.fields }));
  const leave = (current: ScimUserRecord) =>
    scimWrite({ userName: current.identity.userName, email: current.user.email, name: "Pat Left", department: "Gone", employeeNumber: null, active: false });

  it("writes what updateScimUser writes, and answers with the status alone", async () => {
    const [quiet, whole] = [await make("quiet"), await make("whole")];
    expect(await updateScimUserStatus(db, scope, quiet.user.id, leave, T0 + 10, "req-1")).toEqual({ status: "updated" });
    expect(await updateScimUser(db, scope, whole.user.id, leave, T0 + 10, "req-1")).toMatchObject({ status: "updated" });
    expect(strip(await getScimUser(db, scope, quiet.user.id))).toEqual(strip(await getScimUser(db, scope, whole.user.id)));
    expect(await eventsOf(quiet.user.id)).toEqual(await eventsOf(whole.user.id));
    expect((await eventsOf(quiet.user.id)).map((event) => event.action)).toEqual(["user.created", "user.deactivate", "user.updated"]);

    expect(await updateScimUserStatus(db, scope, quiet.user.id, leave, T0 + 20)).toEqual({ status: "unchanged" });
    expect(await updateScimUserStatus(db, scope, quiet.user.id, () => undefined, T0 + 30)).toEqual({ status: "unchanged" });
    expect(await updateScimUserStatus(db, scope, quiet.user.id, (current) => ({ ...leave(current), active: true }), T0 + 40)).toEqual({
      status: "updated",
    });
    expect(await getScimUser(db, scope, quiet.user.id)).toMatchObject({ user: { active: true, name: "Pat Left" }, identity: { lastSyncedAt: T0 + 40 } });
  });

  it("answers not-found and conflicts as updateScimUser does, and writes nothing then", async () => {
    await make("holder");
    const record = await make("mover");
    const never = () => {
      throw new Error("decide must not run");
    };
    expect(await updateScimUserStatus(db, scope, "no-such-user", never)).toEqual({ status: "not-found" });
    const taken = () => scimWrite({ userName: "HOLDER", email: record.user.email, name: "Moved", employeeNumber: null });
    expect(await updateScimUserStatus(db, scope, record.user.id, taken, T0 + 50)).toEqual({
      status: "conflict",
      field: "userName",
      detail: expect.any(String),
    });
    expect(await getScimUser(db, scope, record.user.id)).toEqual(record);
  });
});
