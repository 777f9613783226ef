import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Role } from "@prisma/client";
import type { Actor } from "@/lib/actor";
import { db } from "@/lib/db";
import type { MutationScope } from "@/lib/mutation";
import { lowerRole } from "./roles";

const TOKEN_PREFIX = "rgt_";

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates a token and returns its secret once; only its hash is stored. */
export async function createApiToken(scope: MutationScope, input: { name: string; role: Role }) {
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const record = await scope.tx.apiToken.create({
    data: {
      name: input.name,
      role: input.role,
      tokenHash: hashToken(secret),
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      createdById: scope.actor.userId,
    },
    select: { id: true, name: true, role: true, prefix: true, createdAt: true },
  });
  // A token acts for its creator; one made by the CLI acts for no person, and the record says so.
  const actsFor = scope.actor.userId ? scope.actor.label : "nobody (made by the CLI)";
  await scope.audit({ action: "api_token.create", targetType: "api_token", targetId: record.id, after: { ...record, actsFor } });
  return { token: secret, record };
}

export async function revokeApiToken(scope: MutationScope, id: string) {
  const before = await scope.tx.apiToken.findUnique({ where: { id }, select: { id: true, name: true, revokedAt: true } });
  if (!before || before.revokedAt) return;
  const after = await scope.tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() }, select: { id: true, name: true, revokedAt: true } });
  await scope.audit({ action: "api_token.revoke", targetType: "api_token", targetId: id, before, after });
}

/** How the audit log names a token: a CLI token, which acts for no person, says so. */
export const tokenLabel = (name: string, createdById: string | null) => (createdById ? `token:${name}` : `token:${name} (cli)`);

/**
 * The actor behind `Authorization: Bearer …`, or null: unknown, revoked, or its creator disabled.
 * A token acts for the person who created it, so it can do no more than they can now: its
 * effective role is the lower of its own and its creator's current role (a demotion reaches
 * their tokens at once). A token made by the CLI has no creator and keeps its role.
 */
export async function actorFromBearer(header: string | null): Promise<Actor | null> {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match?.[1]) return null;
  // Every API request asks this, so it is one plain statement (a Prisma query with an include
  // costs more than the rest of a cached read); Prisma stores DateTime as UTC without a zone.
  const [token] = await db().$queryRaw<{ id: string; name: string; role: Role; createdById: string | null; creatorRole: Role | null; usable: boolean; recordUse: boolean }[]>`
    SELECT t.id, t.name, t.role::text AS role, t."createdById", u.role::text AS "creatorRole",
           (t."revokedAt" IS NULL AND u."disabledAt" IS NULL) AS usable,
           (t."lastUsedAt" IS NULL OR t."lastUsedAt" < (now() AT TIME ZONE 'UTC') - interval '60 seconds') AS "recordUse"
      FROM "ApiToken" t LEFT JOIN "User" u ON u.id = t."createdById"
     WHERE t."tokenHash" = ${hashToken(match[1])}`;
  if (!token?.usable) return null;
  // Bounded write load: record use at most once a minute per token. Every request that finds the
  // minute over tries; the first takes the row and the others skip it rather than queue behind
  // its commit holding a connection each (under heavy writes that queue stalled every request).
  if (token.recordUse) {
    await db().$executeRaw`
      UPDATE "ApiToken" SET "lastUsedAt" = now() AT TIME ZONE 'UTC'
       WHERE id = (SELECT id FROM "ApiToken" WHERE id = ${token.id} FOR UPDATE SKIP LOCKED)`;
  }
  const role = token.creatorRole ? lowerRole(token.role, token.creatorRole) : token.role;
  return { type: "TOKEN", id: token.id, label: tokenLabel(token.name, token.createdById), name: token.name, role, userId: token.createdById };
}
