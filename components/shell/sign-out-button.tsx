"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button className="button" type="button" onClick={() => void signOut({ callbackUrl: "/sign-in" })}>
      Sign out
    </button>
  );
}
