"use client";

import { useEffect } from "react";
import { STEP_UP_CHANNEL } from "@/lib/contracts/step-up";
import { ssoErrorMessage } from "@/lib/contracts/sso";

/** The single sign-on window's last page: tells the console page that opened it, and closes. */
export function StepUpDone({ error }: { error: string | null }) {
  useEffect(() => {
    const channel = new BroadcastChannel(STEP_UP_CHANNEL);
    channel.postMessage(error ? { error } : {});
    channel.close();
    if (!error) window.close();
  }, [error]);
  return (
    <main style={{ padding: "2rem", fontFamily: "system-ui, sans-serif" }}>
      <h1>{error ? "Not confirmed" : "Confirmed"}</h1>
      <p role={error ? "alert" : "status"}>
        {error ? (ssoErrorMessage(error) ?? "Your sign-in provider did not confirm it's you.") : "You can close this window and go back to Roster."}
      </p>
    </main>
  );
}
