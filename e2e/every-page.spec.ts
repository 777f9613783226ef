import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, storageStateFor, test, type DemoRole } from "./fixtures";

// The "done when" for reading: on every page, at a phone's width and a desk's, axe finds
// no serious or critical violation and nothing is wider than the viewport.

// The suite's longest file, and each test only reads: its tests are shared out between the
// workers rather than all run on one while the other finishes early.
test.describe.configure({ mode: "parallel" });

const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;

type Target = { name: string; as: DemoRole | null; path: (api: APIRequestContext) => Promise<string>; status?: number };

const fixed = (path: string) => async () => path;
async function firstId(api: APIRequestContext, url: string, key: string): Promise<string> {
  const response = await api.get(url);
  expect(response.ok(), url).toBe(true);
  const rows = (await response.json())[key] as { id: string }[];
  expect(rows.length, `${url} lists at least one`).toBeGreaterThan(0);
  return rows[0]!.id;
}

const postmortem = async (api: APIRequestContext) => `/postmortems/${await firstId(api, "/api/v1/postmortems", "postmortems")}`;

// Every page under app/(dashboard), as an admin (who sees every control), then the pages around it.
const ADMIN_PAGES: [string, Target["path"]][] = [
  ["deployments", fixed("/deployments")],
  ["a deployment", fixed("/deployments/support-router")],
  ["a deployment's rollback readiness", fixed("/deployments/support-router/readiness")],
  ["a deployment's history", fixed("/deployments/support-router/history")],
  ["models", fixed("/models")],
  ["a model", fixed("/models/support-router")],
  ["a version", fixed("/models/support-router/versions/v13")],
  ["rollbacks", fixed("/rollbacks")],
  ["a rollback", async (api) => `/rollbacks/${await firstId(api, "/api/v1/rollbacks", "rollbacks")}`],
  ["postmortems", fixed("/postmortems")],
  ["a postmortem", postmortem],
  ["a postmortem, printable", async (api) => `${await postmortem(api)}/print`],
  ["gate additions", fixed("/postmortems/gate-additions")],
  ["rehearsals", fixed("/rehearsals")],
  ["analytics", fixed("/analytics")],
  ["a deployment's analytics", fixed("/analytics/support-router")],
  ["audit", fixed("/audit")],
  ["settings", fixed("/settings")],
  ["users", fixed("/settings/users")],
  ["API tokens", fixed("/settings/tokens")],
  ["webhooks", fixed("/settings/webhooks")],
];

const PAGES: Target[] = [
  ...ADMIN_PAGES.map(([name, path]): Target => ({ name, as: "admin", path })),
  { name: "sign-in", as: null, path: fixed("/sign-in") },
  { name: "forbidden", as: "viewer", path: fixed("/settings/users"), status: 403 },
  { name: "not found anywhere", as: null, path: fixed("/no-such-page"), status: 404 },
  // No loading.tsx streams a deployment's pages, so an unknown one answers 404 rather than a 200 already sent.
  { name: "not found in the dashboard", as: "admin", path: fixed("/deployments/no-such-deployment"), status: 404 },
];

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

// One load per page, checked at a phone's width and then, resized, at a desk's: a second load
// per width doubled the longest spec of the suite and found nothing the resize does not.
for (const target of PAGES) {
  test.describe(() => {
    test.use({ viewport: WIDTHS[0], storageState: target.as ? storageStateFor(target.as) : { cookies: [], origins: [] } });

    test(`${target.name} at ${WIDTHS.map((w) => w.width).join(" and ")} px: axe-clean and no wider than the screen`, async ({ page }) => {
      const path = await target.path(page.request);
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(target.status ?? 200);
      await page.waitForLoadState("networkidle");
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      for (const size of WIDTHS) {
        await test.step(`${size.width} px`, async () => {
          await page.setViewportSize(size);
          await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(size.width);
          expect(await seriousViolations(page), `${path} at ${size.width} px`).toEqual([]);
          const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
          expect(width, `${path} is ${width} px wide at ${size.width} px`).toBeLessThanOrEqual(size.width);
        });
      }
    });
  });
}

test.describe("at a desk", () => {
  test.use({ viewport: { width: 1280, height: 800 }, storageState: storageStateFor("operator") });

  test("the navigation is always shown, with no Menu button", async ({ page }) => {
    await page.goto("/rollbacks");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Postmortems" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, storageState: storageStateFor("operator") });

  test("the navigation is one Menu button until opened, so the page starts at the top", async ({ page }) => {
    await page.goto("/rollbacks");
    const heading = page.getByRole("heading", { level: 1, name: "Rollbacks" });
    await expect(heading).toBeInViewport();
    expect((await heading.boundingBox())!.y).toBeLessThan(120);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeHidden();

    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(nav.getByRole("link", { name: "Postmortems" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(nav).toBeHidden();
    await expect(menu).toBeFocused();

    await menu.click();
    await nav.getByRole("link", { name: "Postmortems" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Postmortems" })).toBeVisible();
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
  });

  test("a digest is shortened with a button that copies it whole", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto("/models/support-router/versions/v13");
    const digest = page.getByRole("term").filter({ hasText: "Digest" }).locator("xpath=following-sibling::dd[1]");
    await expect(digest).toContainText(/sha256:[0-9a-f]{12}…[0-9a-f]{6}/);
    await digest.getByRole("button", { name: "Copy artifact digest" }).click();
    await expect(digest.getByRole("status")).toHaveText("copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
