import PgBoss from "pg-boss";

/**
 * pg-boss installs or migrates its own `pgboss` schema when it starts. Done here as the owner at
 * migrate time (with no maintenance or scheduling), so the app's role, which may not create
 * anything, finds the schema current when its own pg-boss starts.
 */
export async function installJobSchema(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: ownerUrl, max: 1, supervise: false, schedule: false, application_name: "reversegate-migrate" });
  let failure: Error | null = null;
  boss.on("error", (error: Error) => (failure ??= error));
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  if (failure) throw failure;
}
