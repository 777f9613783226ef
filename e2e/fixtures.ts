import { test as base, expect, type Browser, type Page } from "@playwright/test";
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

/** The serving simulator the app under test talks to (playwright.config.ts picks its port). */
export const simUrl = `http://127.0.0.1:${process.env.SERVING_SIM_PORT ?? "4010"}`;

/**
 * A deployment of its own for a spec, so the demo's deployments and other specs are left alone:
 * a model with v1 and v2 (manifests from `manifest`), both promoted with apply: true onto the
 * simulator (v2 live, v1 prior), a canary_accuracy policy (floor 0.88, notify) so the chart shows,
 * and the simulator playing v2 as the regressed model (v1 0.93, v2 0.74).
 */
export async function deploymentOnSimulator(browser: Browser, prefix: string, manifest: (version: string) => Record<string, string>): Promise<string> {
  const slug = `${prefix}-${Date.now().toString(36)}`;
  const model = `${slug}-model`;
  const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
  // Sent with the admin's session cookie, so as from the app's own page (same Origin).
  const admin = await browser.newContext({ storageState: storageStateFor("admin"), extraHTTPHeaders: { origin: appOrigin } });
  const api = admin.request;
  const ok = async (response: Awaited<ReturnType<typeof api.post>>) => {
    expect(response.status(), await response.text()).toBeLessThan(300);
  };
  for (const [version, seed] of [["v1", "a"], ["v2", "b"]] as const) {
    await ok(
      await api.post(`/api/v1/models/${model}/versions`, {
        data: { version, artifactUri: `s3://models/${model}/${version}`, artifactDigest: digest(seed), manifest: { weightsDigest: digest(`${seed}1`), ...manifest(version) } },
      }),
    );
  }
  await ok(await api.post("/api/v1/deployments", { data: { slug, model, serving: { kind: "http", baseUrl: simUrl } } }));
  // Rolling forward through the same machinery puts each version on the serving plane.
  await ok(await api.post(`/api/v1/deployments/${slug}/promotions`, { data: { version: "v1", apply: true } }));
  await ok(await api.post(`/api/v1/deployments/${slug}/promotions`, { data: { version: "v2", apply: true } }));
  await ok(
    await api.put(`/api/v1/deployments/${slug}/policy`, {
      data: { metric: "canary_accuracy", direction: "higher_is_better", floor: { mode: "explicit", value: 0.88 }, windowSeconds: 600, evaluationIntervalSeconds: 60, minSamples: 10, action: "notify" },
    }),
  );
  expect((await api.put(`${simUrl}/sim/deployments/${slug}/profile`, { data: { versions: { v1: 0.93, v2: 0.74 } } })).status()).toBe(200);
  await admin.close();
  return slug;
}

export { base as test, expect };
