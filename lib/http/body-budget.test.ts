import { afterEach, describe, expect, it } from "vitest";
import { BODY_BUDGET_BYTES, BODY_BUDGET_PER_OWNER_BYTES, bodyBytesHeld, reserveBodyBytes, type BodyReservation } from "./body-budget";

const MiB = 1024 * 1024;
const open: BodyReservation[] = [];
const reserve = (owner: string) => {
  const reservation = reserveBodyBytes(owner);
  open.push(reservation);
  return reservation;
};
afterEach(() => open.splice(0).forEach((reservation) => reservation.release()));

describe("the request body budget", () => {
  it("refuses an owner more than its share, counting nothing of what it refused, while others still get room", () => {
    const first = reserve("token:a");
    expect(first.take(BODY_BUDGET_PER_OWNER_BYTES - 10)).toBe(true);
    const second = reserve("token:a");
    expect(second.take(11)).toBe(false);
    expect(second.take(10)).toBe(true);
    expect(bodyBytesHeld("token:a")).toBe(BODY_BUDGET_PER_OWNER_BYTES);
    expect(reserve("token:b").take(MiB)).toBe(true);
  });

  it("refuses everyone once the process holds its whole budget", () => {
    let owner = 0;
    while (bodyBytesHeld() + BODY_BUDGET_PER_OWNER_BYTES <= BODY_BUDGET_BYTES) expect(reserve(`ip:${owner++}`).take(BODY_BUDGET_PER_OWNER_BYTES)).toBe(true);
    const rest = BODY_BUDGET_BYTES - bodyBytesHeld();
    expect(reserve("ip:last").take(rest + 1)).toBe(false);
    expect(reserve("ip:last").take(rest)).toBe(true);
    expect(reserve("ip:another").take(1)).toBe(false);
  });

  it("gives back on release what each reservation took, once, down to nothing", () => {
    const first = reserve("session:x");
    const second = reserve("session:x");
    first.take(3 * MiB);
    second.take(MiB);
    first.release();
    first.release();
    expect(bodyBytesHeld("session:x")).toBe(MiB);
    second.release();
    expect([bodyBytesHeld("session:x"), bodyBytesHeld()]).toEqual([0, 0]);
  });
});
