import "server-only";
import type { Role, User } from "@prisma/client";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "@/lib/actor";
import { db } from "@/lib/db";
import { authOptions } from "./options";
import { hasRole } from "./roles";

export type CurrentUser = Pick<User, "id" | "email" | "name" | "role">;

/**
 * The signed-in user as the database knows them now: a disabled account or a changed role
 * takes effect on the very next request, whatever the session cookie says.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, disabledAt: true } });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

export const userActor = (user: CurrentUser): Actor => ({
  type: "USER",
  id: user.id,
  label: user.email,
  name: user.name,
  role: user.role,
  userId: user.id,
});

/** For pages: signed-in, with at least `role`, or sent where they can do something about it. */
export async function requirePageUser(role: Role = "VIEWER"): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  if (!hasRole(user.role, role)) redirect(`/forbidden?need=${role}`);
  return user;
}
