import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { oidcEnabled, env } from "@/lib/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await getCurrentUser()) redirect("/deployments");
  const { callbackUrl, error } = await searchParams;
  const safeCallback = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/deployments";
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
