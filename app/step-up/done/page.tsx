import type { Metadata } from "next";
import { StepUpDone } from "@/components/step-up/step-up-done";

export const metadata: Metadata = { title: "Confirm it's you" };

// GET /step-up/done — where a step-up's single sign-on window lands (docs/decisions/0023)
export default async function StepUpDonePage({ searchParams }: { searchParams: Promise<{ sso_error?: string | string[] }> }) {
  const { sso_error: error } = await searchParams;
  return <StepUpDone error={typeof error === "string" ? error : null} />;
}
