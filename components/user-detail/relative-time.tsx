"use client";

import { Tooltip } from "radix-ui";
import { useRef, useState } from "react";
import { formatExact, formatRelative } from "./format";
import { useNow } from "./use-now";
import styles from "./user-detail.module.css";

/**
 * A relative time ("3 hours ago") whose exact time shows in a tooltip on hover and on keyboard
 * focus. The tooltip is rendered only in the browser, in the reader's time zone.
 */
export function RelativeTime({ iso, serverNow }: { iso: string; serverNow: number }) {
  const now = useNow(serverNow);
  const [open, setOpen] = useState(false);
  // Radix closes tooltips when the page scrolls, and tabbing to a time below the fold scrolls the
  // page: while the time has keyboard focus (focus-visible), only blur and Escape close its tooltip.
  const focused = useRef(false);
  return (
    <Tooltip.Root open={open} onOpenChange={(next) => (next || !focused.current) && setOpen(next)}>
      <Tooltip.Trigger
        asChild
        onFocus={(event) => (focused.current = event.currentTarget.matches(":focus-visible"))}
        onBlur={() => (focused.current = false)}
      >
        <time dateTime={iso} tabIndex={0} className={styles.time}>
          {formatRelative(Date.parse(iso), now)}
        </time>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className={styles.tooltip} sideOffset={4} onEscapeKeyDown={() => (focused.current = false)}>
          {formatExact(iso)}
          <span className={styles.tooltipUtc}>{iso.replace("T", " ").replace(/\.\d+Z$/, " UTC")}</span>
          <Tooltip.Arrow className={styles.tooltipArrow} />
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}
