import { appOrigin, as, demoUser, expect, storageStateFor, test } from "./fixtures";

// What a paged engineer reads at a glance: one state per deployment that never calls a silent
// canary healthy, one time to roll back per incident, and records that link to each other.
// Each test reads the demo or makes what it needs, so they run on both workers: the silent canary
// alone waits up to a minute for the worker's next evaluation.
test.describe.configure({ mode: "parallel" });

const viewer = as("viewer");

test("a deep link survives signing in", async ({ page }) => {
  await page.goto("/deployments/support-router?range=7d");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fdeployments%2Fsupport-router%3Frange%3D7d$/);
  await page.getByLabel("Email").fill(demoUser("viewer").email);
  await page.getByLabel("Password").fill("reversegate-demo");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/deployments\/support-router\?range=7d$/);
  await page.goto("/sign-in?callbackUrl=https%3A%2F%2Fevil.example%2F");
  await expect(page).toHaveURL(/\/deployments$/);
});

test("a silent canary reads 'canary not reporting' with since when, never healthy, as the one state", async ({ browser }) => {
  test.setTimeout(150_000);
  // Sent with the admin's session cookie, so as from the app's own page (same Origin).
  const admin = await browser.newContext({ storageState: storageStateFor("admin"), extraHTTPHeaders: { origin: appOrigin } });
  const slug = `e2e-silent-${Date.now().toString(36)}`;
  const model = `${slug}-model`;
  for (const [version, seed] of [["v1", "a"], ["v2", "b"]] as const) {
    const digest = `sha256:${seed.repeat(64)}`;
    expect((await admin.request.post(`/api/v1/models/${model}/versions`, { data: { version, artifactUri: `s3://m/${version}`, artifactDigest: digest, manifest: { weightsDigest: digest } } })).status()).toBe(201);
  }
  // Promoted but never applied: the serving simulator does not serve it, so no canary points arrive.
  expect((await admin.request.post("/api/v1/deployments", { data: { slug, model, serving: { kind: "http", baseUrl: "http://127.0.0.1:9" } } })).status()).toBe(201);
  for (const version of ["v1", "v2"]) expect((await admin.request.post(`/api/v1/deployments/${slug}/promotions`, { data: { version } })).status()).toBe(201);
  const policy = { metric: "canary_accuracy", direction: "higher_is_better", floor: { mode: "explicit", value: 0.88 }, windowSeconds: 600, evaluationIntervalSeconds: 60, minSamples: 10, action: "notify" };
  expect((await admin.request.put(`/api/v1/deployments/${slug}/policy`, { data: policy })).status()).toBe(201);
  await admin.close();

  const page = await (await browser.newContext({ storageState: storageStateFor("viewer") })).newPage();
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/deployments/${slug}`)).json()).health.label, { timeout: 120_000, intervals: [2_000] })
    .toBe("canary not reporting");
  await page.goto(`/deployments/${slug}`);
  const header = page.locator("header.page-header");
  await expect(header.getByTestId("deployment-health")).toContainText("canary not reporting");
  await expect(header.getByTestId("deployment-health")).toContainText(/since \d{4}-\d\d-\d\d/);
  await expect(header.locator(".badge")).toHaveCount(1);
  await expect(page.getByTestId("health-line")).toContainText("no verdict on canary_accuracy for v2");
  await expect(page.getByTestId("health-line")).not.toContainText("ready to restore");
  await page.goto(`/deployments?q=${slug}`);
  await expect(page.getByTestId(`deployment-row-${slug}`)).toContainText("canary not reporting");
  await expect(page.getByTestId(`deployment-row-${slug}`)).not.toContainText(/healthy|Stable/);
});

viewer("one time to roll back per incident: the v12 incident reads the same on the rollback and its postmortem", async ({ page }) => {
  // Not filtered by status: the postmortem spec may be moving this draft through review meanwhile.
  await page.goto("/postmortems");
  const row = page.getByRole("row").filter({ hasText: "v12 rolled back to v11" });
  await expect(row).toContainText(/39\s?m/);
  await row.getByRole("link", { name: /v12 rolled back to v11/ }).click();
  await expect(page.getByTestId("duration-timeToRollbackMs")).toContainText(/39\s?m/);
  await page.getByRole("link", { name: "the rollback" }).click();
  await expect(page.getByTestId("time-to-rollback")).toContainText(/39\s?m/);
  await page.getByText("What these times measure").click();
  await expect(page.getByTestId("timing-definitions")).toContainText("Time to roll back (TTR): from detection to the rollback's completion");
});

viewer("detection, rollback and postmortem link to each other", async ({ page }) => {
  await page.goto("/deployments/support-router");
  await page.getByTestId("detections-table").getByRole("link", { name: /v14 canary_accuracy/ }).click();
  await expect(page).toHaveURL(/\/detections\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Detection: canary_accuracy on v14");
  await expect(page.getByRole("region", { name: "The window that fired" })).toContainText("v13: 7-day p10 of 1-hour means");
  await expect(page.getByTestId("evidence-chart")).toBeVisible();
  const detectionUrl = page.url();

  await page.getByRole("link", { name: /^Rollback: Completed/ }).click();
  await expect(page).toHaveURL(/\/rollbacks\/[a-z0-9]+$/);
  await expect(page.getByTestId("rollback-postmortem")).toContainText("Closed");
  await page.getByTestId("rollback-reason").getByRole("link", { name: "the detection" }).click();
  await expect(page).toHaveURL(detectionUrl);

  await page.getByRole("region", { name: "What it led to" }).getByRole("link", { name: "Postmortem", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("v14 rolled back to v13");
  await page.getByRole("link", { name: "the detection" }).click();
  await expect(page).toHaveURL(detectionUrl);
});

viewer("the demo's history lies in the past and its postmortem timeline has one line per event", async ({ page }) => {
  await page.goto("/postmortems?status=CLOSED");
  await page.getByRole("link", { name: /v14 rolled back to v13/ }).click();
  await expect(page.getByLabel("Review history")).toContainText("approver2@reversegate.dev: approved");
  const hints = await page.locator("time[title]").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("title") ?? ""));
  expect(hints.length).toBeGreaterThan(5);
  expect(hints.filter((hint) => hint.startsWith("in "))).toEqual([]);
  const timeline = page.getByRole("region", { name: "Timeline" });
  const line = (text: string | RegExp) => timeline.getByRole("listitem").filter({ hasText: text });
  await expect(line("Traffic shifted to 10%")).toHaveCount(1);
  await expect(line(/rollback\.step_/)).toHaveCount(0);
  await expect(line("Rollback requested")).toHaveCount(1);
});

viewer("rehearsal readiness is about today's pair", async ({ page }) => {
  await page.goto("/rehearsals");
  const support = page.getByTestId("rehearsals-support-router");
  await expect(support.getByTestId("readiness-badge")).toHaveAttribute("data-tone", "warn");
  await expect(support.getByTestId("readiness-badge")).toContainText("not rehearsed");
  await expect(support.getByTestId("readiness-badge")).toContainText("the last rehearsal passed on v14 → v13");
  await page.goto("/deployments/support-router");
  await expect(page.getByLabel("Rollback readiness")).toContainText("v13 → v11 has not been rehearsed");
  // The rehearsals' history and charts are on the deployment's readiness tab; the charts load
  // once scrolled near (the chart library is kept off the page's first load).
  await page.getByRole("link", { name: "Rollback readiness" }).click();
  await expect(page).toHaveURL(/\/deployments\/support-router\/readiness$/);
  await page.getByRole("heading", { name: /^Readiness/ }).scrollIntoViewIfNeeded();
  await expect(page.getByRole("figure", { name: "Rehearsal time to roll back (s) against the SLO" }).locator("svg").first()).toBeVisible();
});

as("admin")("an admin adds PagerDuty as a destination; its routing key is kept like a secret", async ({ page }) => {
  await page.goto("/settings/webhooks");
  const form = page.getByRole("form", { name: "Add a destination" });
  await form.getByLabel("PagerDuty (Events API v2)").check();
  const name = `on-call-${Date.now().toString(36)}`;
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Routing key").fill("short");
  await form.getByRole("button", { name: "Add PagerDuty destination" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "routingKey" })).toContainText("the 32-character integration key");
  await form.getByLabel("Routing key").fill("R0UT1NGKEY0123456789abcdefABCDEF");
  await expect(form.getByLabel("Events API URL")).toHaveValue("https://events.pagerduty.com");
  // Nothing leaves this machine: the destination points at a closed local port.
  await form.getByLabel("Events API URL").fill("http://127.0.0.1:9");
  await form.getByRole("button", { name: "Add PagerDuty destination" }).click();
  await expect(page.getByRole("status").filter({ hasText: "PagerDuty destination" })).toContainText("Its routing key is stored and will not be shown again");
  await expect(page.getByRole("table", { name: "Webhooks" })).toContainText("PagerDuty (routing key stored)");
  await expect(page.getByRole("table", { name: "Webhooks" })).not.toContainText("R0UT1NGKEY");
  await page.getByRole("button", { name: `Delete webhook ${name}` }).click();
  await expect(page.getByRole("table", { name: "Webhooks" }).getByText(name)).toHaveCount(0);
});
