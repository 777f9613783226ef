import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { getCurrentUser } from "@/lib/auth/current-user";
import { oidcEnabled, env } from "@/lib/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[]; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const safeCallback = safeCallbackPath(typeof callbackUrl === "string" ? callbackUrl : null) ?? "/deployments";
  if (await getCurrentUser()) redirect(safeCallback);
  return (
    <main className="auth-page">
      <div className="card auth-card stack">
        <div>
          <h1>Reversegate</h1>
          <p className="muted">The guarded way back for live models.</p>
        </div>
        <SignInForm callbackUrl={safeCallback} oidcName={oidcEnabled() ? env().OIDC_NAME : null} initialError={error ? "Sign-in failed. Try again." : null} />
      </div>
    </main>
  );
}
