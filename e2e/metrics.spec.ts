import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { as, expect } from "./fixtures";

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxes(locator: Locator): Promise<Box[]> {
  return (await locator.evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().toJSON()))) as Box[];
}

/** The chart loads once it is near the screen, as it does for a reader scrolling to it. */
async function showChart(page: Page): Promise<Locator> {
  await page.getByRole("heading", { name: "Canary metrics" }).scrollIntoViewIfNeeded();
  return page.getByTestId("canary-chart");
}

function overlapping(list: Box[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (overlap(list[i]!, list[j]!)) pairs.push(`${i}×${j}`);
  return pairs;
}

const test = as("viewer");

test.describe("canary chart on the demo deployment", () => {
  test("shows the floor with its source, the shaded sustained breach, and keeps the range in the URL", async ({ page }) => {
    await page.goto("/deployments/support-router?range=7d");
    const chart = await showChart(page);
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

  for (const width of [390, 1280]) {
    test(`reads cleanly at every range at ${width} px: round ticks, each date once, UTC named, no label on another`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      for (const range of ["1h", "6h", "24h", "7d", "30d"]) {
        await page.goto(`/deployments/support-router?range=${range}`);
        const chart = await showChart(page);
        await expect(chart.getByTestId("x-tick").first()).toBeVisible();
        await expect(chart.getByText("time (UTC)")).toBeVisible();

        const xLabels = await chart.getByTestId("x-tick").allTextContents();
        const dates = xLabels.filter((l) => /^\d\d-\d\d$/.test(l));
        expect(new Set(dates).size, `${range}: ${xLabels.join(" ")}`).toBe(dates.length);
        expect(xLabels.every((l) => /^(\d\d:[0-5][05]|\d\d-\d\d)$/.test(l)), `${range}: ticks on round minutes: ${xLabels.join(" ")}`).toBe(true);
        expect(overlapping(await boxes(chart.getByTestId("x-tick"))), `${range}: x labels overlap`).toEqual([]);

        const yValues = (await chart.getByTestId("y-tick").allTextContents()).map(Number);
        const steps = new Set(yValues.slice(1).map((v, i) => Number((v - yValues[i]!).toPrecision(6))));
        expect(steps.size, `${range}: evenly spaced ${yValues.join(" ")}`).toBe(1);
        const step = Math.abs([...steps][0]!);
        expect([1, 2, 5].map((m) => m * 10 ** Math.floor(Math.log10(step) + 1e-9)).some((nice) => Math.abs(nice - step) < 1e-9), `${range}: round step ${step}`).toBe(true);

        expect(overlapping(await boxes(chart.getByTestId("marker-label"))), `${range}: marker labels overlap`).toEqual([]);
      }
    });
  }

  test("after the rollback, the old breach's floor is labelled on the chart and named in the legend", async ({ page }) => {
    await page.goto("/deployments/support-router?range=7d");
    const chart = await showChart(page);
    // v14 breached v13's floor (0.905); v13 is held to v11's floor now.
    await expect(chart.getByTestId("breach-floor-label")).toHaveText(/^v14 floor 0\.90\d*$/);
    await expect(chart.getByRole("list", { name: "Lines on the chart" })).toContainText(/v14 floor 0\.90\d*: the floor it breached, at detection — v13: 7-day p10/);
    await expect(chart.getByRole("list", { name: "Events on the chart" }).getByRole("listitem")).toHaveCount(await chart.getByTestId("marker-label").count());
  });
});
