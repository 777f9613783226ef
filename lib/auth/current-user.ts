import "server-only";
import type { Role } from "@prisma/client";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "@/lib/actor";
import { REQUEST_PATH_HEADER, signInUrl } from "./callback-url";
import { hasRole } from "./roles";
import { sessionUser, type SessionUser } from "./session";

export type CurrentUser = SessionUser;

/** The signed-in user of the request being rendered (a page or a server action). */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => sessionUser(await headers()));

export const userActor = (user: CurrentUser): Actor => ({
  type: "USER",
  id: user.id,
  label: user.email,
  name: user.name,
  role: user.role,
  userId: user.id,
});

/** The role the page being rendered needed and the user lacked, for forbidden.tsx to name. */
export const refusedPage = cache((): { need: Role | null } => ({ need: null }));

/** Answers 403 with the forbidden page, at the URL that was asked for. */
export function forbidPage(need: Role | null): never {
  refusedPage().need = need;
  forbidden();
}

/**
 * For pages: signed-in, with at least `role`, or sent where they can do something about it —
 * to sign in and then back to this very page (its path comes from proxy.ts).
 */
export async function requirePageUser(role: Role = "VIEWER"): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInUrl((await headers()).get(REQUEST_PATH_HEADER)));
  if (!hasRole(user.role, role)) forbidPage(role);
  return user;
}
