/**
 * The database a CLI uses, from its environment: DATABASE_URL for the app's role and, for a
 * database of your own whose owner is another role, MIGRATION_DATABASE_URL (see the README).
 * Neither set: the embedded PostgreSQL.
 */
export const databaseSettings = () => ({ databaseUrl: process.env.DATABASE_URL, migrationDatabaseUrl: process.env.MIGRATION_DATABASE_URL });
