import { test as base, expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_USERS } from "@/lib/demo/demo-users";

export type DemoRole = "viewer" | "operator" | "approver" | "approver2" | "admin";

export const storageStateFor = (role: DemoRole) => `e2e/.auth/${role}.json`;

/** The app's origin: what its own pages send as `Origin`, which cookie-authenticated API changes need. */
export const appOrigin = `http://127.0.0.1:${process.env.E2E_PORT}`;

export function demoUser(role: DemoRole) {
  const user = DEMO_USERS.find((u) => u.email.startsWith(`${role}@`));
  if (!user) throw new Error(`no demo user for ${role}`);
  return user;
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** A test signed in as `role` through the session saved by auth.setup.ts. */
export const as = (role: DemoRole) => base.extend({ storageState: storageStateFor(role) });

export { base as test, expect };
