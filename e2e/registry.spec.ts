import AxeBuilder from "@axe-core/playwright";
import { as, expect } from "./fixtures";

as("viewer")("from the deployments list to a version's page, the manifests are compared and the split brain is called out", async ({ page }) => {
  await page.goto("/deployments");
  // The worked example ended with v13 back live; v11, its predecessor, is the prior now.
  const row = page.getByTestId("deployment-row-support-router");
  await expect(row).toContainText("v13");
  await expect(row).toContainText("v11");
  await row.getByRole("link", { name: "support-router" }).first().click();

  await expect(page.getByRole("heading", { name: "support-router", level: 1 })).toBeVisible();
  const tabs = page.getByRole("navigation", { name: "support-router sections" });
  await expect(tabs.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await tabs.getByRole("link", { name: "Rollback readiness" }).click();
  await expect(page).toHaveURL(/\/deployments\/support-router\/readiness$/);
  const manifests = page.getByRole("region", { name: "Live vs prior manifest" });
  await expect(manifests.getByTestId("split-brain-warning")).toContainText("agent-memory checkpoint");
  const table = manifests.getByRole("table", { name: "Manifest of v13 (live) compared with v11 (prior)" });
  await expect(table.locator('tr[data-category="prompt"]')).toContainText("routing-prompt@6");
  await expect(table.locator('tr[data-category="prompt"]')).toContainText("differs");
  await expect(table.locator('tr[data-category="agentMemory"]')).toContainText("stays behind");
  await tabs.getByRole("link", { name: "History" }).click();
  await expect(page.getByTestId("deployment-history")).toContainText("v14 went live replacing v13");

  await tabs.getByRole("link", { name: "Overview" }).click();
  await page.getByRole("region", { name: "Pinned versions" }).getByRole("link", { name: "v13", exact: true }).click();
  await expect(page.getByRole("heading", { name: "support-router:v13", level: 1 })).toBeVisible();
  const comparison = page.getByRole("table", { name: "Manifest of v13 (this version) compared with v11" });
  await expect(comparison.locator('tr[data-category="vectorIndex"]')).toContainText("differs");
  await expect(comparison.locator('tr[data-category="agentMemory"]')).toContainText("stays behind");

  await page.getByRole("combobox", { name: "Compare with" }).selectOption("v14");
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page).toHaveURL(/against=v14/);
  await expect(page.getByRole("table", { name: "Manifest of v13 (this version) compared with v14" })).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
});

as("viewer")("a model's versions table shows scores, status per deployment and retention, sorted through the URL", async ({ page }) => {
  await page.goto("/models");
  await page.getByRole("table", { name: "Models" }).getByRole("link", { name: "support-router", exact: true }).first().click();
  const table = page.getByRole("table", { name: "Versions of support-router" });
  await expect(table.getByTestId("version-row-v14")).toContainText("regression_set: 0.94");
  await expect(table.getByTestId("version-row-v14")).toContainText("Rolled back");
  await expect(table.getByTestId("version-row-v14")).toContainText("nickname-heavy tickets");
  await expect(table.getByTestId("version-row-v13")).toContainText("live");
  await expect(table.getByTestId("version-row-v11")).toContainText("rollback target of support-router");
  await page.getByRole("link", { name: /Sort by version, ascending/ }).click();
  await expect(page).toHaveURL(/sort=version&order=asc/);
  await expect(table.locator("tbody tr").first()).toHaveAttribute("data-testid", "version-row-v11");
});

as("viewer")("an unknown deployment shows its not-found page", async ({ page }) => {
  await page.goto("/deployments/no-such-deployment");
  await expect(page.getByRole("heading", { name: "No such deployment" })).toBeVisible();
});
