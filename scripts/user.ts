// `npm run user -- create --email EMAIL --name NAME --role ROLE [--password PASSWORD]`: a person
// who can sign in, created from the shell in the same database the app uses — how the first
// ADMIN of a DATABASE_URL install (which gets no demo users) comes to exist. Without
// --password one is generated and printed alone on the last line.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { parseRole } from "@/lib/auth/roles";
import { openLocalDatabase } from "@/lib/platform/local-database";
import { databaseSettings } from "./database-settings";
import { createUserInput } from "@/lib/users/schemas";

const USAGE = "usage: npm run user -- create --email EMAIL --name NAME --role viewer|operator|approver|admin [--password PASSWORD]";

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" }, password: { type: "string" } },
  });
  const role = values.role ? parseRole(values.role) : null;
  if (positionals[0] !== "create" || !values.email || !values.name || !role) {
    console.error(values.role && !role ? `unknown role "${values.role}"\n${USAGE}` : USAGE);
    process.exit(2);
  }
  const password = values.password ?? randomBytes(15).toString("base64url");
  const parsed = createUserInput.safeParse({ email: values.email, name: values.name, role, password });
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
    process.exit(2);
  }
  const database = await openLocalDatabase(databaseSettings());
  process.env.DATABASE_URL = database.url;
  try {
    const { createUser } = await import("@/lib/users/manage-users");
    const { newRequestId } = await import("@/lib/mutation");
    const { SYSTEM_ACTOR } = await import("@/lib/actor");
    const user = await createUser({ actor: { ...SYSTEM_ACTOR, label: "cli:npm run user" }, requestId: newRequestId() }, parsed.data);
    console.error(`created ${user.email} with role ${user.role}${values.password ? "" : "; the generated password is shown once:"}`);
    if (!values.password) console.log(password);
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
