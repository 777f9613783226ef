import type { TestProject } from "vitest/node";
import { openThrowawayDatabase } from "@/lib/platform/local-database";

declare module "vitest" {
  export interface ProvidedContext {
    /** The app's role, as the app connects: the whole suite runs with it. */
    databaseUrl: string;
    /** The owner, for the few tests that must do what the app may not (migrations, tampering). */
    ownerDatabaseUrl: string;
  }
}

/** One throwaway database per run: embedded, or on the server `DATABASE_URL` names. */
export default async function setup(project: TestProject) {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "it" });
  project.provide("databaseUrl", database.url);
  project.provide("ownerDatabaseUrl", database.ownerUrl);
  return () => database.release();
}
