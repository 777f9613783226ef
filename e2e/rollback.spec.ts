import AxeBuilder from "@axe-core/playwright";
import type { Browser } from "@playwright/test";
import { createHttpServingAdapter } from "@/lib/serving/backends/http/adapter";
import { appOrigin, deploymentOnSimulator, expect, simUrl, storageStateFor, test } from "./fixtures";

// The reverse gate end to end: an operator requests a rollback (typing the slug), an approver
// confirms it in a second session, and the live view shows the steps completing and the times.
// Each test has a deployment of its own (v1 then v2 promoted with apply: true onto the serving
// simulator), so the demo's deployments and other specs are left alone, and the tests (a minute
// of waiting on dwells and the worker between them) run on both workers.
test.describe.configure({ mode: "parallel" });

/** The operator requests a rollback of `slug` through the dialog; answers the rollback page. */
async function requestAsOperator(browser: Browser, slug: string, mode: "Instant" | "Ramp", options: { regressedChart?: boolean } = {}) {
  const operator = await (await browser.newContext({ storageState: storageStateFor("operator") })).newPage();
  await operator.goto(`/deployments/${slug}`);
  // Before: the chart shows the regressed v2 under its floor (it loads once scrolled near).
  if (options.regressedChart) {
    await operator.getByRole("heading", { name: "Canary metrics" }).scrollIntoViewIfNeeded();
    await expect(operator.getByTestId("canary-summary")).toContainText(/Latest v2 value 0\.7\d/, { timeout: 30_000 });
  }
  await operator.getByRole("button", { name: "Roll back v2 → v1" }).click();
  const dialog = operator.getByRole("dialog", { name: `Roll back ${slug} from v2 to v1` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("an APPROVER other than the requester must approve");
  await dialog.getByLabel(new RegExp(`${mode}:`)).check();
  await dialog.getByLabel("Reason").fill("e2e: canary below the floor");
  const submit = dialog.getByRole("button", { name: "Request rollback to v1" });
  await dialog.getByLabel(`Type ${slug} to confirm`).fill(slug.slice(0, -1));
  await expect(submit).toBeDisabled();
  await dialog.getByLabel(`Type ${slug} to confirm`).fill(slug);
  await submit.click();
  await expect(operator).toHaveURL(/\/rollbacks\/[a-z0-9]+$/);
  await expect(operator.getByRole("heading", { level: 2 })).toContainText("Awaiting approval");
  return operator;
}

test("an operator requests, an approver confirms (switching the ramp to instant), and the live view shows it completing", async ({ browser }) => {
  const slug = await deploymentOnSimulator(browser, "e2e-rb", (version) => ({ promptTemplate: `prompt@${version}` }));
  const serving = createHttpServingAdapter({ baseUrl: simUrl, secret: process.env.SERVING_SECRET ?? "reversegate-demo-serving-secret", timeoutMs: 2_000, retries: 1 });
  expect(await serving.getStatus(slug)).toMatchObject({ pinnedVersion: "v2", traffic: [{ version: "v2", percent: 100 }] });

  const operator = await requestAsOperator(browser, slug, "Ramp", { regressedChart: true });
  // The requester is offered no approval of their own, and everyone sees who can approve.
  await expect(operator.getByRole("button", { name: "Approve rollback to v1" })).toHaveCount(0);
  await expect(operator.getByTestId("who-can-approve")).toContainText("Ada Approver");
  await expect(operator.getByTestId("who-can-approve")).toContainText("The requester (operator@reversegate.dev) cannot approve it");
  await expect(operator.getByRole("navigation", { name: "Main" }).getByTestId("pending-approvals")).toContainText(/[1-9]/);

  const approver = await (await browser.newContext({ storageState: storageStateFor("approver") })).newPage();
  await approver.goto(operator.url());
  await approver.getByRole("button", { name: "Approve rollback to v1" }).click();
  const confirm = approver.getByRole("dialog", { name: `Approve the rollback of ${slug} from v2 to v1?` });
  await expect(confirm).toContainText("in stages of 10% → 100%");
  await confirm.getByLabel(/Switch to instant/).check();
  await expect(confirm).toContainText("all traffic moves to v1 in one step");
  await confirm.getByRole("button", { name: "Approve as instant" }).click();

  // The operator's page updates by itself.
  await expect(operator.getByRole("heading", { level: 2 })).toContainText("Completed", { timeout: 30_000 });
  await expect(operator.getByRole("definition").filter({ hasText: /^instant$/ })).toBeVisible();
  const steps = operator.getByRole("table", { name: "Rollback steps" }).getByRole("row");
  await expect(steps).toHaveCount(7);
  for (let position = 0; position < 6; position++) await expect(operator.getByTestId(`step-${position}`)).toContainText(/Succeeded|Skipped/);
  await expect(operator.getByTestId("time-to-rollback")).toContainText(/\d/);
  await expect(operator.getByTestId("time-to-decide")).toContainText(/\d/);
  await expect(operator.getByTestId("time-to-execute")).toContainText(/\d/);
  // The postmortem it opened, with its status as it stands.
  await expect(operator.getByTestId("rollback-postmortem")).toContainText("Draft");

  // The serving plane and the registry agree that v1 is back.
  expect(await serving.getStatus(slug)).toMatchObject({ pinnedVersion: "v1", traffic: [{ version: "v1", percent: 100 }] });
  const deployment = await (await operator.request.get(`/api/v1/deployments/${slug}`)).json();
  expect(deployment).toMatchObject({ liveVersion: "v1" });

  // After: the chart recovers as the simulator's v1 traffic reports in.
  await operator.goto(`/deployments/${slug}?range=1h`);
  await operator.getByRole("heading", { name: "Canary metrics" }).scrollIntoViewIfNeeded();
  await expect(operator.getByTestId("canary-summary")).toContainText(/Latest v1 value 0\.9\d/, { timeout: 45_000 });
});

test("a ramp shows the live split and counts down each dwell", async ({ browser }) => {
  test.setTimeout(150_000);
  const slug = await deploymentOnSimulator(browser, "e2e-ramp", (version) => ({ promptTemplate: `prompt@${version}` }));
  // Sent with the approver's session cookie, so as from the app's own page (same Origin). A dwell
  // of 15 s rather than the default minute: long enough to watch the countdown move.
  const approverApi = await browser.newContext({ storageState: storageStateFor("approver"), extraHTTPHeaders: { origin: appOrigin } });
  const plan = await approverApi.request.put(`/api/v1/deployments/${slug}/rollback-plan`, { data: { mode: "ramp", rampStages: [10, 100], rampDwellSeconds: 15 } });
  expect(plan.ok()).toBe(true);
  const operator = await requestAsOperator(browser, slug, "Ramp");
  const requested = operator.getByText(/^Requested/).locator("xpath=following-sibling::dd[1]");
  await expect(requested).toContainText("ago");
  const before = await requested.textContent();

  const approver = await (await browser.newContext({ storageState: storageStateFor("approver") })).newPage();
  await approver.goto(operator.url());
  await approver.getByRole("button", { name: "Approve rollback to v1" }).click();
  await approver.getByRole("dialog").getByRole("button", { name: "Confirm approval" }).click();

  await expect(operator.getByTestId("live-split")).toHaveText("v1 10% · v2 90%", { timeout: 30_000 });
  const countdown = operator.getByTestId("dwell-countdown");
  await expect(countdown).toContainText("Watching the canary at 10%");
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first ?? "", { timeout: 5_000 });
  // Relative times keep counting without a reload.
  await expect(requested).not.toHaveText(before ?? "");

  await expect(operator.getByRole("heading", { level: 2 })).toContainText("Completed", { timeout: 100_000 });
  await expect(operator.getByTestId("ramp-progress")).toHaveCount(0);
});

test("an approver changes the rollback plan on the deployment's readiness tab; the overview shows the serving backend", async ({ browser }) => {
  const slug = await deploymentOnSimulator(browser, "e2e-plan", (version) => ({ promptTemplate: `prompt@${version}` }));
  const approver = await (await browser.newContext({ storageState: storageStateFor("approver") })).newPage();
  await approver.goto(`/deployments/${slug}`);
  const backend = approver.getByTestId("serving-backend");
  await expect(backend).toContainText(`http (Serving Control API over HTTP) at ${simUrl}`);
  await expect(backend.getByRole("list", { name: "Serving capabilities" })).toContainText("Manifest restore");

  await approver.getByRole("link", { name: "Rollback readiness" }).click();
  await approver.getByText("Change the rollback plan").click();
  const form = approver.getByRole("form", { name: `Rollback plan of ${slug}` });
  await form.getByLabel("Ramp", { exact: true }).check();
  await form.getByLabel("Ramp stages (%)").fill("25, 100");
  await form.getByLabel("Dwell per stage (s)").fill("5");
  await form.getByRole("button", { name: "Save rollback plan" }).click();
  await expect(form.getByRole("status")).toContainText("Rollback plan saved");
  await expect(approver.getByTestId("rollback-plan")).toContainText("ramp 25% → 100%, watching the canary 5 s at each stage");

  await form.getByLabel("Ramp stages (%)").fill("25, 50");
  await form.getByRole("button", { name: "Save rollback plan" }).click();
  await expect(form.getByRole("alert")).toContainText("rampStages: the last ramp stage must be 100%");

  const results = await new AxeBuilder({ page: approver }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
