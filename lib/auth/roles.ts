import type { Role } from "@prisma/client";

export const ROLES = ["VIEWER", "OPERATOR", "APPROVER", "ADMIN"] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, APPROVER: 2, ADMIN: 3 };

/** Roles are ordered: each one may do everything the ones below it may. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

/** The lower of two roles. */
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/** Accepts `viewer`, `Operator`, `ADMIN`…; null when it names no role. */
export function parseRole(value: string): Role | null {
  const upper = value.trim().toUpperCase();
  return (ROLES as readonly string[]).includes(upper) ? (upper as Role) : null;
}
