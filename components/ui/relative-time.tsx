"use client";

import { Tooltip } from "radix-ui";
import { useRef, useState } from "react";
import { formatDateTime, formatExact, formatRelative, formatServerFallback, formatUtc } from "./time-format";
import { useHydrated } from "./use-hydrated";
import { useNow } from "./use-now";
import styles from "./relative-time.module.css";

export type RelativeTimeProps = {
  iso: string;
  /** "relative": "3 hours ago"; "datetime": "Jan 2, 2025, 10:05:30 AM", for table columns. */
  mode?: "relative" | "datetime";
  /**
   * When the server rendered the page, if it rendered this time at all: then the relative text is
   * written on the server too. Without it the server writes UTC and the browser replaces it.
   */
  serverNow?: number;
  className?: string;
};

/**
 * A time written for people, in the reader's zone, with the exact time (zone and UTC) in a tooltip
 * that opens on hover and on keyboard focus (the time is a tab stop for that). Each time brings its
 * own Tooltip.Provider, so that pages without times (the Users list) do not load the tooltip code.
 */
export function RelativeTime({ iso, mode = "relative", serverNow, className }: RelativeTimeProps) {
  const now = useNow(serverNow);
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  // Radix closes tooltips when the page scrolls, and tabbing to a time below the fold scrolls the
  // page: while the time has keyboard focus (focus-visible), only blur and Escape close its tooltip.
  const focused = useRef(false);
  const classes = className ? `${styles.time} ${className}` : styles.time;

  // The zone (datetime) or the clock (relative) is not known yet: a neutral form, no tooltip.
  if (now === null || (mode === "datetime" && !hydrated)) {
    return (
      <time dateTime={iso} className={className}>
        {formatServerFallback(iso)}
      </time>
    );
  }
  const relative = formatRelative(Date.parse(iso), now);
  return (
    <Tooltip.Provider delayDuration={300}>
      <Tooltip.Root open={open} onOpenChange={(next) => (next || !focused.current) && setOpen(next)}>
        <Tooltip.Trigger
          asChild
          onFocus={(event) => (focused.current = event.currentTarget.matches(":focus-visible"))}
          onBlur={() => (focused.current = false)}
        >
          <time dateTime={iso} tabIndex={0} className={classes}>
            {mode === "relative" ? relative : formatDateTime(iso)}
          </time>
        </Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content className={styles.tooltip} sideOffset={4} collisionPadding={8} onEscapeKeyDown={() => (focused.current = false)}>
            {/* Spaces between the lines, so a screen reader does not run them together. */}
            <span className={styles.line}>{formatExact(iso)}</span> <span className={styles.secondary}>{formatUtc(iso)}</span>
            {mode === "datetime" && (
              <>
                {" "}
                <span className={styles.secondary}>{relative}</span>
              </>
            )}
            <Tooltip.Arrow className={styles.arrow} />
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
    </Tooltip.Provider>
  );
}
