import { randomBytes } from "node:crypto";
import { withClient } from "./migrate";

/** The login role the app connects as on the embedded PostgreSQL (and on throwaway clusters). */
export const EMBEDDED_APP_ROLE = "reversegate_app";

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The role a connection URL signs in as. */
export function roleOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).username);
}

/**
 * Everything the app's role may do, and no more: read and write the domain's tables, only append
 * to and read the audit log and its verifications, only read the chain's head and the migration
 * history, make and drop the metric tables' day partitions (through two functions that run as
 * their owner), and work pg-boss's queues. It owns nothing, so it cannot disable a trigger, and not
 * being a superuser it cannot set session_replication_role. pg-boss creates a table for each new
 * queue, so its two queue functions run as their owner. Idempotent: applied after every
 * migration, so tables added later are covered. The README lists these statements for a
 * database of your own (app-role.test.ts keeps the two equal).
 */
export function appRoleGrants(role: string): string[] {
  const to = ident(role);
  return [
    `GRANT USAGE ON SCHEMA public TO ${to}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${to}`,
    `REVOKE UPDATE, DELETE ON "AuditEvent", "AuditChainVerification" FROM ${to}`,
    `REVOKE INSERT, UPDATE, DELETE ON "AuditChainHead", "_prisma_migrations" FROM ${to}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${to}`,
    `GRANT EXECUTE ON FUNCTION "ensure_metric_partitions"(DATE[]), "drop_metric_partitions_before"(TIMESTAMPTZ) TO ${to}`,
    `GRANT USAGE ON SCHEMA pgboss TO ${to}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO ${to}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA pgboss GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${to}`,
    `ALTER FUNCTION pgboss.create_queue(text, json) SECURITY DEFINER SET search_path = pgboss, pg_temp`,
    `ALTER FUNCTION pgboss.delete_queue(text) SECURITY DEFINER SET search_path = pgboss, pg_temp`,
  ];
}

/** Advisory-lock key that queues concurrent grants (every process grants at start). */
const GRANT_LOCK_KEY = 0x5247_4752; // "RGGR"

/**
 * Applies {@link appRoleGrants} as the owner, in one transaction: there is no moment with broader
 * rights. Processes starting together take turns (a transaction-scoped lock, so it holds behind a
 * pooler too): concurrent GRANTs on the same tables otherwise deadlock.
 */
export async function grantAppRole(ownerUrl: string, role: string): Promise<void> {
  await withClient(ownerUrl, async (client) => {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1)", [GRANT_LOCK_KEY]);
      for (const statement of appRoleGrants(role)) await client.query(statement);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  });
}

/**
 * Creates `role` as a login with no powers (or takes them away and sets a new password if it
 * exists), grants it what the app needs, and returns the owner's URL with that role signed in.
 */
export async function ensureAppRole(ownerUrl: string, role: string): Promise<string> {
  const password = randomBytes(24).toString("base64url");
  await withClient(ownerUrl, async (client) => {
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    const verb = exists.rowCount === 0 ? "CREATE" : "ALTER";
    // base64url needs no quoting in a literal; CREATE ROLE takes no bind parameters.
    await client.query(`${verb} ROLE ${ident(role)} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
  });
  await grantAppRole(ownerUrl, role);
  const url = new URL(ownerUrl);
  url.username = encodeURIComponent(role);
  url.password = password;
  return url.toString();
}

/** Removes a role made by {@link ensureAppRole} once its database is gone. */
export async function dropAppRole(ownerUrl: string, role: string): Promise<void> {
  await withClient(ownerUrl, (client) => client.query(`DROP ROLE IF EXISTS ${ident(role)}`));
}

export type AuditLogProtection = { role: string; tamperProof: true } | { role: string; tamperProof: false; because: string };

/**
 * Whether the role `databaseUrl` connects as could rewrite the audit log. Tamper-proof: it is no
 * superuser, does not own the table (nor is a member of its owner), and may not update, delete or
 * truncate it. Otherwise the hash chain still makes any rewrite evident.
 */
export async function auditLogProtection(databaseUrl: string): Promise<AuditLogProtection> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ role: string; superuser: boolean; owner: boolean; writable: boolean }>(`
      SELECT current_user AS role, r.rolsuper AS superuser,
             pg_has_role(current_user, c.relowner, 'MEMBER') AS owner,
             has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE') AS writable
        FROM pg_roles r, pg_class c
       WHERE r.rolname = current_user AND c.oid = '"AuditEvent"'::regclass`);
    const { role, superuser, owner, writable } = rows[0]!;
    if (superuser) return { role, tamperProof: false, because: `the app connects as ${role}, a superuser` };
    if (owner) return { role, tamperProof: false, because: `the app connects as ${role}, which owns the audit table` };
    if (writable) return { role, tamperProof: false, because: `the app connects as ${role}, which may update or delete audit events` };
    return { role, tamperProof: true };
  });
}
