import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Roster", template: "%s · Roster" },
  description: "Workforce user lifecycle: find people, see how they sign in, switch them off when they leave.",
};

// Every page is rendered for its request, none at build time: a page's scripts carry that
// request's nonce (lib/http/console-script-policy.ts), and a page built ahead would carry none.
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
