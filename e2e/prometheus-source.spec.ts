import AxeBuilder from "@axe-core/playwright";
import { startPrometheus, type RunningPrometheus } from "@/lib/testing/prometheus";
import { appOrigin, expect, storageStateFor, test } from "./fixtures";

// "Test query" in the policy panel against a real Prometheus (Debian's, on backfilled data): an
// operator tries queries and sees the series found, the latest value and the verdict without
// saving anything; an approver saves the source. A deployment of its own, so the demo is left
// alone; its v2 is promoted as the spec starts, so the one-minute window fills while it runs.

const slug = `e2e-prom-${Date.now().toString(36)}`;
const model = `${slug}-model`;
const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const QUERY = 'avg(router_accuracy{deployment="{{deployment}}", version="{{version}}"})';
const SPLIT_QUERY = 'router_accuracy{deployment="{{deployment}}", version="{{version}}"}';

let prometheus: RunningPrometheus;

test.beforeAll(async ({ browser }) => {
  const now = Math.floor(Date.now() / 10_000) * 10_000;
  const lastHour = (value: number) => Array.from({ length: 361 }, (_, i) => [now - 3_600_000 + i * 10_000, value] as const);
  prometheus = await startPrometheus({
    series: ["a", "b"].map((pod) => ({ name: "router_accuracy", labels: { deployment: slug, version: "v2", pod }, samples: lastHour(0.74) })),
  });

  // Sent with the admin's session cookie, so as from the app's own page (same Origin).
  const admin = await browser.newContext({ storageState: storageStateFor("admin"), extraHTTPHeaders: { origin: appOrigin } });
  const api = admin.request;
  const ok = async (response: Awaited<ReturnType<typeof api.post>>) => expect(response.status(), await response.text()).toBeLessThan(300);
  for (const [version, seed] of [["v1", "c"], ["v2", "d"]] as const) {
    await ok(await api.post(`/api/v1/models/${model}/versions`, { data: { version, artifactUri: `s3://models/${model}/${version}`, artifactDigest: digest(seed), manifest: { weightsDigest: digest(`${seed}1`) } } }));
  }
  await ok(await api.post("/api/v1/deployments", { data: { slug, model, serving: { kind: "http", baseUrl: "http://127.0.0.1:9" } } }));
  await ok(await api.post(`/api/v1/deployments/${slug}/promotions`, { data: { version: "v1" } }));
  await ok(await api.post(`/api/v1/deployments/${slug}/promotions`, { data: { version: "v2" } }));
  await ok(
    await api.put(`/api/v1/deployments/${slug}/policy`, {
      data: { metric: "canary_accuracy", direction: "higher_is_better", floor: { mode: "explicit", value: 0.88 }, windowSeconds: 60, evaluationIntervalSeconds: 60, minSamples: 5, action: "notify" },
    }),
  );
  await admin.close();
});

test.afterAll(async () => {
  await prometheus?.stop();
});

test("an operator tests Prometheus queries against the live version; an approver saves the source", async ({ browser }) => {
  // Waits for v2's one-minute window to fill before the verdict is a breach.
  test.setTimeout(150_000);
  const operator = await (await browser.newContext({ storageState: storageStateFor("operator") })).newPage();
  await operator.goto(`/deployments/${slug}`);
  await operator.getByTestId("policy-panel").getByText("Test a query").click();
  const form = operator.getByRole("form", { name: "Metric source of canary_accuracy" });
  await form.getByLabel("Prometheus (Thanos, Mimir)").check();
  await form.getByLabel("URL").fill(prometheus.url);
  await expect(form.getByRole("button", { name: "Save source" })).toHaveCount(0);

  // A placeholder outside quotes is refused before anything runs.
  await form.getByRole("textbox", { name: /^Query/ }).fill("up{version={{version}}}");
  await form.getByRole("button", { name: "Test query" }).click();
  await expect(form.getByRole("alert")).toContainText('policy.source.query: the query {{version}} must sit inside a quoted label value, e.g. {version="{{version}}"}');

  // Aggregated: one series at 0.74 under the 0.88 floor. v2 went live as the spec started, so the
  // verdict is "no data" until its one-minute window is covered, then a breach.
  await form.getByRole("textbox", { name: /^Query/ }).fill(QUERY);
  const result = form.getByTestId("policy-test-result");
  await expect(async () => {
    await form.getByRole("button", { name: "Test query" }).click();
    await expect(result).toContainText(/breach all \d+ points in the 1 minute window breach the floor 0\.88: a detection would fire \(action: notify\)/, { timeout: 3_000 });
  }).toPass({ timeout: 90_000, intervals: [5_000] });
  await expect(result).toContainText(`avg(router_accuracy{deployment="${slug}", version="v2"})`);
  const series = result.getByRole("region", { name: "Series found" });
  await expect(series.getByRole("row")).toHaveCount(2);
  await expect(series).toContainText("0.74");

  // One series per pod, which a policy refuses, and says so, listing them.
  await form.getByRole("textbox", { name: /^Query/ }).fill(SPLIT_QUERY);
  await form.getByRole("button", { name: "Test query" }).click();
  await expect(result).toContainText("evaluation error configuration error: the query returned 2 series, not one");
  await expect(series).toContainText("2 series found — a policy needs exactly one per version");
  await expect(series.getByRole("row")).toHaveCount(3);
  const axe = await new AxeBuilder({ page: operator }).include("[data-testid=policy-panel]").analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  // Nothing was saved.
  await operator.reload();
  await expect(operator.getByTestId("policy-panel")).toContainText("Points pushed to Reversegate");

  const approver = await (await browser.newContext({ storageState: storageStateFor("approver") })).newPage();
  await approver.goto(`/deployments/${slug}`);
  await approver.getByText("Change the metric source or test a query").click();
  const approverForm = approver.getByRole("form", { name: "Metric source of canary_accuracy" });
  await approverForm.getByLabel("Prometheus (Thanos, Mimir)").check();
  await approverForm.getByLabel("URL").fill(prometheus.url);
  await approverForm.getByRole("textbox", { name: /^Query/ }).fill(QUERY);
  await approverForm.getByLabel("Notify after this many source errors in a row").fill("5");
  await approverForm.getByRole("button", { name: "Save source" }).click();
  await expect(approverForm.getByRole("status")).toContainText("Source saved");
  await expect(approver.getByTestId("policy-query")).toHaveText(QUERY);
  await expect(approver.getByTestId("policy-source-errors")).toContainText("notifies at 5");
});
