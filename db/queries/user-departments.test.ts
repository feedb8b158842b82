import { beforeAll, describe, expect, it } from "vitest";
import { createTestDb, TEST_DIALECT } from "@/test/db";
import { makeTenant } from "@/test/factories";
import { postgresPlan, sqlitePlan } from "@/test/search";
import { newUserFields } from "@/lib/domain/user-fields";
import type { Tenant } from "../schema";
import { departmentsSkippedQuery, listDepartments } from "./user-departments";
import { createUser } from "./users";

describe("listDepartments", () => {
  const db = createTestDb();
  let tenant: Tenant;
  const addUser = (tenantId: string, email: string, department: string | undefined) =>
    createUser(db, { tenantId, ...newUserFields({ email, name: email }), properties: department === undefined ? {} : { department } });

  beforeAll(async () => {
    tenant = await makeTenant(db);
    const other = await makeTenant(db);
    for (const [i, department] of ["Sales", "IT", "", "Sales", "Legal", "IT", "  ", undefined, "Zürich Office"].entries()) {
      await addUser(tenant.id, `d${i}@example.test`, department);
    }
    for (const department of ["Elsewhere", "Finance", "Zoo"]) await addUser(other.id, `${department}@example.test`, department);
  });

  it("answers the tenant's distinct, non-empty departments, sorted, never another tenant's", async () => {
    expect(await listDepartments(db, tenant.id)).toEqual(["IT", "Legal", "Sales", "Zürich Office"]);
  });

  it("reads the tenant's users instead when the database holds more departments than it skips through, with the same answer", async () => {
    for (const cap of [0, 1, 7, 8, 500]) expect(await listDepartments(db, tenant.id, cap), `cap ${cap}`).toEqual(["IT", "Legal", "Sales", "Zürich Office"]);
    // Eight departments in all (one of them blank): the skip stops past the cap.
    const skipped = (cap: number) =>
      db.statement<{ d: string }>(departmentsSkippedQuery(tenant.id, cap).sql).all(...departmentsSkippedQuery(tenant.id, cap).args);
    expect(await skipped(8)).toHaveLength(8);
    expect(await skipped(3)).toHaveLength(4);
  });

  it("skips through the department index, one lookup per department, never through the users", async () => {
    const query = departmentsSkippedQuery(tenant.id);
    if (TEST_DIALECT === "sqlite") {
      const plan = sqlitePlan(db, query);
      // A sort would gather the tenant's users of each department first (37 ms on 200,000 users, 200 ms on 1,000,000).
      expect(plan).not.toMatch(/SCAN users|users_tenant|TEMP B-TREE/);
      expect(plan.match(/SEARCH (users|u) USING COVERING INDEX users_department_tenant_email_idx/g)).toHaveLength(3);
    } else {
      const plan = (await postgresPlan(db, query, { indexesOnly: true })).join(" | ");
      expect(plan).not.toMatch(/Seq Scan|Sort/);
      expect(plan.match(/users_department_tenant_email_idx/g)?.length).toBeGreaterThanOrEqual(2);
    }
  });
});
