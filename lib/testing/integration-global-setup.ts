import type { TestProject } from "vitest/node";
import { openThrowawayDatabase } from "@/lib/platform/local-database";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One throwaway database per run: embedded, or on the server `DATABASE_URL` names. */
export default async function setup(project: TestProject) {
  const database = await openThrowawayDatabase({ databaseUrl: process.env.DATABASE_URL, label: "it" });
  project.provide("databaseUrl", database.url);
  return () => database.release();
}
