import AxeBuilder from "@axe-core/playwright";
import { createHttpServingAdapter } from "@/lib/serving/backends/http/adapter";
import { deploymentOnSimulator, expect, simUrl, storageStateFor, test } from "./fixtures";

// Graduated degradation end to end: an operator degrades a deployment to fallback (reason and
// typed slug), the serving simulator serves the prior version and the canary recovers toward it,
// and one click returns the deployment to normal. A deployment of its own (v1 then v2 promoted
// with apply: true onto the simulator, which plays v2 as the regressed model).

let slug = "";

test.beforeAll(async ({ browser }) => {
  slug = await deploymentOnSimulator(browser, "e2e-dg", () => ({}));
});

test("an operator degrades to fallback, the simulator serves the prior and the canary recovers, then one click returns to normal", async ({ browser }) => {
  const serving = createHttpServingAdapter({ baseUrl: simUrl, secret: process.env.SERVING_SECRET ?? "reversegate-demo-serving-secret", timeoutMs: 2_000, retries: 1 });
  const operator = await (await browser.newContext({ storageState: storageStateFor("operator") })).newPage();
  await operator.goto(`/deployments/${slug}?range=1h`);
  // The chart loads once scrolled near.
  await operator.getByRole("heading", { name: "Canary metrics" }).scrollIntoViewIfNeeded();
  await expect(operator.getByTestId("canary-summary")).toContainText(/Latest v2 value 0\.7\d/, { timeout: 30_000 });
  const panel = operator.getByTestId("degradation-panel");
  await expect(panel.getByTestId("degradation-level")).toContainText("normal");

  await panel.getByRole("button", { name: "Degrade to fallback" }).click();
  const dialog = operator.getByRole("dialog", { name: `Degrade ${slug} to fallback` });
  await expect(dialog).toContainText("the prior version");
  await dialog.getByLabel("Reason").fill("e2e: canary below the floor while we decide");
  const submit = dialog.getByRole("button", { name: "Serve at fallback now" });
  await dialog.getByLabel(`Type ${slug} to confirm`).fill(slug.slice(0, -1));
  await expect(submit).toBeDisabled();
  await dialog.getByLabel(`Type ${slug} to confirm`).fill(slug);
  await submit.click();
  await expect(dialog).toBeHidden();

  // The header says who degraded it and why; the serving plane serves the prior version.
  await expect(operator.getByTestId("header-degradation")).toContainText("degraded: fallback");
  await expect(operator.getByTestId("header-degradation")).toContainText("e2e: canary below the floor while we decide");
  await expect(panel.getByTestId("degradation-serving")).toContainText("served by v1 (prior version)");
  expect((await serving.getStatus(slug)).degradation).toMatchObject({ level: "fallback", servedBy: "v1 (prior version)" });
  // The change is on the record, in the deployment's history tab.
  await operator.getByRole("navigation", { name: `${slug} sections` }).getByRole("link", { name: "History" }).click();
  await expect(operator.getByTestId("deployment-history")).toContainText("degraded: fallback");
  await expect(operator.getByTestId("header-degradation")).toContainText("degraded: fallback");
  await operator.goto(`/deployments/${slug}/readiness`);
  const readinessAxe = await new AxeBuilder({ page: operator }).include("[data-testid=readiness-section]").analyze();
  expect(readinessAxe.violations).toEqual([]);
  await operator.goto(`/deployments/${slug}?range=1h`);

  // The canary recovers toward v1's level while v2 stays pinned.
  await operator.getByRole("heading", { name: "Canary metrics" }).scrollIntoViewIfNeeded();
  await expect(operator.getByTestId("canary-summary")).toContainText(/Latest v2 value 0\.9\d/, { timeout: 45_000 });
  const axe = await new AxeBuilder({ page: operator }).include("[data-testid=degradation-panel]").analyze();
  expect(axe.violations).toEqual([]);

  // Back to normal in one click.
  await operator.getByTestId("degradation-panel").getByRole("button", { name: "Return to normal" }).click();
  await expect(operator.getByTestId("degradation-panel").getByTestId("degradation-level")).toContainText("normal");
  await expect(operator.getByTestId("header-degradation")).toHaveCount(0);
  expect((await serving.getStatus(slug)).degradation?.level).toBe("normal");
});

test("a viewer sees the level but is offered no change", async ({ browser }) => {
  const viewer = await (await browser.newContext({ storageState: storageStateFor("viewer") })).newPage();
  await viewer.goto(`/deployments/${slug}`);
  const panel = viewer.getByTestId("degradation-panel");
  await expect(panel).toContainText("An OPERATOR can change the level.");
  await expect(panel.getByRole("button")).toHaveCount(0);
});
