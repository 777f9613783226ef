// `npm run token -- create --name NAME --role ROLE`: an API token from the shell, in the same
// database the app uses. The token alone is printed on the last line, for scripts to capture.
import { parseArgs } from "node:util";
import { parseRole } from "@/lib/auth/roles";
import { openLocalDatabase } from "@/lib/platform/local-database";
import { databaseSettings } from "./database-settings";

const USAGE = "usage: npm run token -- create --name NAME --role viewer|operator|approver|admin";

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: "string" }, role: { type: "string" } },
  });
  const role = values.role ? parseRole(values.role) : null;
  const name = values.name?.trim();
  if (positionals[0] !== "create" || !name || !role) {
    console.error(values.role && !role ? `unknown role "${values.role}"\n${USAGE}` : USAGE);
    process.exit(2);
  }
  const database = await openLocalDatabase(databaseSettings());
  process.env.DATABASE_URL = database.url;
  try {
    const { createApiToken } = await import("@/lib/auth/api-tokens");
    const { newRequestId, runMutation } = await import("@/lib/mutation");
    const { SYSTEM_ACTOR } = await import("@/lib/actor");
    const actor = { ...SYSTEM_ACTOR, label: "cli:npm run token" };
    const { token, record } = await runMutation({ actor, requestId: newRequestId() }, "ADMIN", (scope) =>
      createApiToken(scope, { name, role }),
    );
    console.error(`created token "${record.name}" with role ${record.role}; it is shown once:`);
    console.log(token);
  } finally {
    const { db } = await import("@/lib/db");
    await db().$disconnect();
    await database.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
