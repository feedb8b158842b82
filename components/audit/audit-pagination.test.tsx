import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AUDIT_COUNT_CAP, AUDIT_LIST_DEPTH } from "@/lib/contracts/audit";
import { EMPTY_AUDIT_FILTERS } from "./audit-url";
import { AuditPagination } from "./audit-pagination";

const OLDEST = "2024-06-01T12:00:00.000Z";
const at = (page: number) => ({ ...EMPTY_AUDIT_FILTERS, action: "user.", page });
const range = () => screen.getByRole("navigation", { name: "Pages" }).querySelector("p")!.textContent;
const olderHref = () => screen.queryByRole("link", { name: "Older →" })?.getAttribute("href") ?? null;

describe("AuditPagination", () => {
  it("shows an exact total with its pages, and no Older page after the last", () => {
    render(<AuditPagination filters={at(2)} count={{ total: 60, totalKind: "exact", size: 50 }} oldestAt={OLDEST} />);
    expect(range()).toBe("51–60 of 60 events · page 2 of 2");
    expect(olderHref()).toBeNull();
  });

  it("shows a total past the count's cap as a lower bound, and always offers Older", () => {
    const count = { total: AUDIT_COUNT_CAP, totalKind: "atLeast", size: 50 } as const;
    const { unmount } = render(<AuditPagination filters={at(1)} count={count} oldestAt={OLDEST} />);
    expect(range()).toBe(`1–50 of ${AUDIT_COUNT_CAP.toLocaleString("en-US")}+ events · page 1 of ${(AUDIT_COUNT_CAP / 50).toLocaleString("en-US")}+`);
    expect(olderHref()).toContain("page=2");
    unmount();
    // The deepest page carries on from the oldest event shown.
    render(<AuditPagination filters={at(AUDIT_LIST_DEPTH / 50)} count={count} oldestAt={OLDEST} />);
    expect(olderHref()).toContain(`to=${encodeURIComponent(OLDEST)}`);
    expect(olderHref()).not.toContain("page=");
  });
});
