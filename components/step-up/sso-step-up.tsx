"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import formStyles from "@/components/console/form.module.css";
import styles from "@/components/mfa/mfa.module.css";
import { errorMessage } from "@/components/ui/error-text";
import { setCsrfToken } from "@/lib/console/fetch";
import { STEP_UP_CHANNEL } from "@/lib/contracts/step-up";
import { SSO_START_PATH, ssoErrorMessage } from "@/lib/contracts/sso";
import { stepUpStatusQuery } from "@/lib/query/step-up";

/**
 * Single sign-on again, in a window of its own, so that this page and what it was doing stay as
 * they are: the provider authenticates afresh (prompt=login, max_age), the callback rotates the
 * session, and /step-up/done says so on a BroadcastChannel; "Continue" checks by hand.
 */
export function SsoStepUp({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });

  async function check(quiet = false) {
    try {
      const status = await queryClient.fetchQuery(stepUpStatusQuery());
      if (status.fresh) {
        setCsrfToken(status.csrfToken);
        done.current();
      } else if (!quiet) setError("Roster has not heard back from your sign-in provider yet: finish signing in there first.");
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  useEffect(() => {
    const channel = new BroadcastChannel(STEP_UP_CHANNEL);
    channel.onmessage = (event: MessageEvent<{ error?: string }>) => {
      if (event.data?.error) setError(ssoErrorMessage(event.data.error) ?? "Your sign-in provider did not confirm it's you.");
      else void check(true);
    };
    return () => channel.close();
    // check reads the latest onDone through a ref; the channel is opened once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function openProvider() {
    setError(null);
    const popup = window.open(`${SSO_START_PATH}?step_up=1`, "roster-step-up", "popup,width=520,height=720");
    if (!popup) setError("Your browser blocked the sign-in window: allow pop-ups for Roster and try again.");
    else setWaiting(true);
  }

  return (
    <div className={styles.step}>
      <p>Sign in again at your organization&apos;s sign-in provider, in a new window.</p>
      <button type="button" className={formStyles.primary} onClick={openProvider}>
        Confirm with single sign-on
      </button>
      {waiting && (
        <button type="button" className={styles.linkButton} onClick={() => void check()}>
          I&apos;ve signed in: continue
        </button>
      )}
      {error && (
        <p role="alert" className={formStyles.error}>
          {error}
        </p>
      )}
    </div>
  );
}
