"use client";

import dynamic from "next/dynamic";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { setStepUpHandler } from "@/lib/console/fetch";

// The dialog (its factor forms, the SSO window, their contracts) loads the first time an action
// asks for a step-up, not with every console page: most visits never see it. Kept mounted after
// that, so that Radix can close it as it opened it.
const StepUpDialog = dynamic(() => import("./step-up-dialog").then((module) => module.StepUpDialog), { ssr: false });

/**
 * Lets every console request ask for a step-up (lib/console/fetch.ts): one dialog for the whole
 * console, whatever page or dialog the refused action came from; requests refused at the same
 * time wait for the same step-up.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [resolver, setResolver] = useState<((steppedUp: boolean) => void) | null>(null);
  const [asked, setAsked] = useState(false);
  const pending = useRef<Promise<boolean> | null>(null);

  useEffect(() => {
    setStepUpHandler(() => {
      setAsked(true);
      pending.current ??= new Promise<boolean>((resolve) => setResolver(() => resolve)).finally(() => {
        pending.current = null;
      });
      return pending.current;
    });
    return () => setStepUpHandler(null);
  }, []);

  const finish = useCallback(
    (steppedUp: boolean) => {
      resolver?.(steppedUp);
      setResolver(null);
    },
    [resolver],
  );

  return (
    <>
      {children}
      {asked && <StepUpDialog open={resolver !== null} onFinished={finish} />}
    </>
  );
}
