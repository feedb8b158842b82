"use client";

import dynamic from "next/dynamic";
import { useRef, useState } from "react";
import { ActionButton } from "@/components/ui/action-button";
import styles from "./paste.module.css";

// The dialog (Radix Dialog, the results table, the CSV writer) loads when someone is about to
// use it, not with the Users page: most visits never open it.
const PasteEmailsDialog = dynamic(() => import("./paste-emails-dialog").then((module) => module.PasteEmailsDialog), { ssr: false });

/** The "Paste many emails" button; its dialog's code is fetched on hover or focus, before the click. */
export function PasteEmailsButton() {
  const [wanted, setWanted] = useState(false);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <ActionButton
        ref={button}
        className={styles.trigger}
        aria-haspopup="dialog"
        aria-expanded={open}
        onPointerEnter={() => setWanted(true)}
        onFocus={() => setWanted(true)}
        onClick={() => {
          setWanted(true);
          setOpen(true);
        }}
      >
        Paste many emails
      </ActionButton>
      {wanted && <PasteEmailsDialog open={open} onOpenChange={setOpen} trigger={button} />}
    </>
  );
}
