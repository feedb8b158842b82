"use client";

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { setStepUpHandler } from "@/lib/console/fetch";
import { StepUpDialog } from "./step-up-dialog";

/**
 * Lets every console request ask for a step-up (lib/console/fetch.ts): one dialog for the whole
 * console, whatever page or dialog the refused action came from; requests refused at the same
 * time wait for the same step-up.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [resolver, setResolver] = useState<((steppedUp: boolean) => void) | null>(null);
  const pending = useRef<Promise<boolean> | null>(null);

  useEffect(() => {
    setStepUpHandler(() => {
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
      <StepUpDialog open={resolver !== null} onFinished={finish} />
    </>
  );
}
