import { act, fireEvent, render, screen } from "@testing-library/react";
import { Tooltip } from "radix-ui";
import type { ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RelativeTime } from "./relative-time";

const NOW = Date.parse("2025-06-15T12:00:00Z");
const THREE_HOURS_AGO = "2025-06-15T09:00:00.000Z";
const withProvider = (children: ReactNode) => <Tooltip.Provider>{children}</Tooltip.Provider>;

describe("RelativeTime", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it("writes the relative time, and keeps counting as the clock moves", () => {
    render(withProvider(<RelativeTime iso={THREE_HOURS_AGO} />));
    const time = screen.getByText("3 hours ago");
    expect(time.tagName).toBe("TIME");
    expect(time).toHaveAttribute("datetime", THREE_HOURS_AGO);
    act(() => {
      vi.advanceTimersByTime(60 * 60_000);
    });
    expect(screen.getByText("4 hours ago")).toBeInTheDocument();
  });

  it("shows the exact time, with its zone and in UTC, on keyboard focus", async () => {
    render(withProvider(<RelativeTime iso={THREE_HOURS_AGO} />));
    const time = screen.getByText("3 hours ago");
    expect(time).toHaveAttribute("tabindex", "0");
    fireEvent.focus(time);
    const tooltip = await screen.findByRole("tooltip");
    expect(tooltip).toHaveTextContent("2025-06-15 09:00:00 UTC");
    expect(tooltip).toHaveTextContent(/2025/);
    expect(time).toHaveAccessibleDescription(/2025-06-15 09:00:00 UTC/);
  });

  it("in datetime mode writes the date and time, and the relative time in the tooltip", async () => {
    const { container } = render(withProvider(<RelativeTime iso={THREE_HOURS_AGO} mode="datetime" />));
    const time = container.querySelector("time")!;
    expect(time).toHaveTextContent(/^Jun 15, 2025/);
    fireEvent.focus(time);
    expect(await screen.findByRole("tooltip")).toHaveTextContent("3 hours ago");
  });

  it("on the server, writes the relative time against serverNow, or UTC without it", () => {
    const rendered = renderToString(withProvider(<RelativeTime iso={THREE_HOURS_AGO} serverNow={NOW - 60 * 60_000} />));
    expect(rendered).toContain("2 hours ago");
    expect(renderToString(withProvider(<RelativeTime iso={THREE_HOURS_AGO} />))).toContain("2025-06-15 09:00 UTC");
    expect(renderToString(withProvider(<RelativeTime iso={THREE_HOURS_AGO} mode="datetime" serverNow={NOW} />))).toContain("2025-06-15 09:00 UTC");
  });
});
