import AxeBuilder from "@axe-core/playwright";
import { appOrigin, expect, storageStateFor, test } from "./fixtures";

// The deployment page and the rollback dialog for the haproxy and kserve backends: what they point
// at, what they can do, and what a rollback through them will skip. Nothing here reaches HAProxy or
// Kubernetes: the page and the dialog read the stored configuration only.

const stamp = Date.now().toString(36);
const model = `e2e-sb-${stamp}`;
const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const deployments = {
  haproxy: { slug: `e2e-haproxy-${stamp}`, serving: { kind: "haproxy", socket: "/run/haproxy/admin.sock", backend: "support_router", servers: "router-{version}" } },
  kserve: {
    slug: `e2e-kserve-${stamp}`,
    serving: { kind: "kserve", namespace: "models", inferenceService: "support-router", storageUris: "s3://models/support-router/{version}", kubeconfig: "/etc/reversegate/kubeconfig" },
  },
};

test.beforeAll(async ({ browser }) => {
  // Sent with the admin's session cookie, so as from the app's own page (same Origin).
  const admin = await browser.newContext({ storageState: storageStateFor("admin"), extraHTTPHeaders: { origin: appOrigin } });
  const api = admin.request;
  const ok = async (response: Awaited<ReturnType<typeof api.post>>) => expect(response.status(), await response.text()).toBeLessThan(300);
  for (const [version, seed] of [["v1", "a"], ["v2", "b"]] as const) {
    await ok(
      await api.post(`/api/v1/models/${model}/versions`, {
        data: { version, artifactUri: `s3://models/${model}/${version}`, artifactDigest: digest(seed), manifest: { weightsDigest: digest(`${seed}1`), promptTemplate: `prompt@${version}` } },
      }),
    );
  }
  for (const { slug, serving } of Object.values(deployments)) {
    await ok(await api.post("/api/v1/deployments", { data: { slug, model, serving } }));
    // Recorded, not applied: the registry says v2 is live and v1 its prior.
    await ok(await api.post(`/api/v1/deployments/${slug}/promotions`, { data: { version: "v1" } }));
    await ok(await api.post(`/api/v1/deployments/${slug}/promotions`, { data: { version: "v2" } }));
  }
  await admin.close();
});

test("an haproxy deployment shows its backend, and the rollback dialog says what HAProxy will skip", async ({ browser }) => {
  const page = await (await browser.newContext({ storageState: storageStateFor("operator") })).newPage();
  await page.goto(`/deployments/${deployments.haproxy.slug}`);
  const backend = page.getByTestId("serving-backend");
  await expect(backend).toContainText("haproxy (HAProxy Runtime API) at backend support_router via /run/haproxy/admin.sock");
  const capabilities = backend.getByRole("list", { name: "Serving capabilities" });
  await expect(capabilities).toContainText("✓ Ramp (traffic split)");
  await expect(capabilities).toContainText("✓ Instant flip");
  await expect(capabilities).toContainText("✗ Session stickiness");
  await expect(capabilities).toContainText("✗ Consumer invalidation");
  await expect(capabilities).toContainText("✗ Manifest restore");

  await page.getByRole("button", { name: "Roll back v2 → v1" }).click();
  const dialog = page.getByRole("dialog", { name: `Roll back ${deployments.haproxy.slug} from v2 to v1` });
  await expect(dialog).toContainText("through the HAProxy Runtime API at backend support_router via /run/haproxy/admin.sock");
  await dialog.getByLabel(/Instant/).check();
  const skips = dialog.getByTestId("rollback-skips");
  await expect(skips).toContainText("restoring the prior version's state manifest: the serving backend cannot restore a version's state manifest");
  await expect(skips).toContainText("telling consumers to drop state cached against the bad version: the serving backend cannot tell consumers to drop cached state");
  await expect(skips).not.toContainText("keeping each session");
  await dialog.getByLabel(/Ramp/).check();
  await expect(skips).toContainText("keeping each session on one version during the ramp: the serving backend cannot keep sessions on one version while traffic is split");
  await expect(dialog).not.toContainText("Consumers are told to drop state");

  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test("a kserve deployment shows the InferenceService and how it is reached, and offers both modes", async ({ browser }) => {
  const page = await (await browser.newContext({ storageState: storageStateFor("operator") })).newPage();
  await page.goto(`/deployments/${deployments.kserve.slug}`);
  await expect(page.getByTestId("serving-backend")).toContainText(
    "kserve (KServe InferenceService) at InferenceService models/support-router via kubeconfig /etc/reversegate/kubeconfig",
  );
  await page.getByRole("button", { name: "Roll back v2 → v1" }).click();
  const dialog = page.getByRole("dialog", { name: `Roll back ${deployments.kserve.slug} from v2 to v1` });
  await expect(dialog.getByLabel(/Instant/)).toBeVisible();
  await expect(dialog.getByLabel(/Ramp/)).toBeVisible();
  await expect(dialog.getByTestId("rollback-skips")).toContainText("restoring the prior version's state manifest");
});
