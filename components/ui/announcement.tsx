"use client";

import { useRef, useState, type RefObject } from "react";
import styles from "./announcement.module.css";

/**
 * What the page last did (`message`, set by `announce`) for <Announcement>, and `focusRef`: where
 * focus goes after an action that removed the button it started from (ConfirmDialog's focusAfterSuccess).
 */
export function useAnnouncer() {
  const [message, announce] = useState("");
  const focusRef = useRef<HTMLParagraphElement>(null);
  return { message, announce, focusRef };
}

/**
 * The outcome of the last action, read out by screen readers (a status) and focusable, so that
 * keyboard focus has somewhere to land when the row it came from has lost its button.
 */
export function Announcement({ message, focusRef }: { message: string; focusRef: RefObject<HTMLParagraphElement | null> }) {
  return (
    <p ref={focusRef} role="status" tabIndex={-1} className={message ? styles.announcement : styles.visuallyHidden}>
      {message}
    </p>
  );
}
