/** The URLs of this test file's own database (integration-setup.ts makes it). */
export function integrationDatabase(): { url: string; ownerUrl: string } {
  const url = process.env.DATABASE_URL;
  const ownerUrl = process.env.TEST_OWNER_DATABASE_URL;
  if (!url || !ownerUrl) throw new Error("integrationDatabase() is for integration tests: their setup file names the database");
  return { url, ownerUrl };
}
