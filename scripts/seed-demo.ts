// `npm run db:seed-demo`: seeds the demo team and history into whichever database is
// configured (DATABASE_URL, or the embedded one), on purpose.
import { openLocalDatabase } from "@/lib/platform/local-database";
import { databaseSettings } from "./database-settings";

async function main() {
  const database = await openLocalDatabase(databaseSettings());
  process.env.DATABASE_URL = database.url;
  try {
    const { seedDemo } = await import("@/lib/demo/seed-demo");
    const result = await seedDemo((line) => console.log(line));
    console.log(result === "seeded" ? "demo data seeded" : "demo data was already seeded; nothing changed");
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
