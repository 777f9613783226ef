import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Reversegate", template: "%s · Reversegate" },
  description: "Guarded rollback of ML model deployments to their pinned prior version.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Waiting for the request renders every page per request, so each carries its own CSP nonce
  // (proxy.ts); a page prerendered at build time would carry none and its scripts would not run.
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
