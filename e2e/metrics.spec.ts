import AxeBuilder from "@axe-core/playwright";
import { as, expect } from "./fixtures";

const test = as("viewer");

test.describe("canary chart on the demo deployment", () => {
  test("shows the floor with its source, the shaded sustained breach, and keeps the range in the URL", async ({ page }) => {
    await page.goto("/deployments/support-router?range=7d");
    const chart = page.getByTestId("canary-chart");
    await expect(chart).toBeVisible();
    // The floor v13 is held to now that it is live again: established from v11, its prior.
    await expect(chart.getByText(/^floor 0\.8\d* — v11: 7-day p10 of 1-hour means, less 0\.005/)).toBeVisible();
    await expect(chart.getByTestId("breach-area").first()).toBeAttached();
    await expect(chart.getByLabel(/^Sustained breach of v14 from /).first()).toBeAttached();
    await expect(page.getByTestId("canary-summary")).toContainText("1 sustained breach in this range");

    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    await page.getByRole("group", { name: "Chart range" }).getByRole("button", { name: "24 h" }).click();
    await expect(page).toHaveURL(/[?&]range=24h/);
    await expect(page.getByRole("button", { name: "24 h" })).toHaveAttribute("aria-pressed", "true");

    await page.getByRole("button", { name: "Custom" }).click();
    await expect(page).toHaveURL(/[?&]range=custom/);
    await expect(page.getByRole("form", { name: "Custom range" })).toBeVisible();
  });

  test("lists the demo detection with its time to detect", async ({ page }) => {
    await page.goto("/deployments/support-router");
    const table = page.getByTestId("detections-table");
    await expect(table.getByRole("row")).toHaveCount(2);
    await expect(table).toContainText("v14");
    await expect(page.getByTestId("policy-panel")).toContainText("7-day p10 of 1-hour means");
  });
});
