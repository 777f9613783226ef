import { encode } from "next-auth/jwt";
import { env } from "@/lib/env";

/** The `Cookie` header of a real next-auth session for `userId`, as the sign-in would set it. */
export async function sessionCookie(userId: string): Promise<string> {
  const secret = env().NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set for the tests");
  return `next-auth.session-token=${await encode({ token: { uid: userId, sub: userId }, secret })}`;
}
