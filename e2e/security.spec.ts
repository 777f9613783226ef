import { request as playwrightRequest, type APIResponse } from "@playwright/test";
import { appOrigin, as, expect, storageStateFor, test } from "./fixtures";

// What only the running app can show: headers set by the proxy, Next's own handling of server
// actions, and pages that still work under the Content-Security-Policy.

function expectSecurityHeaders(response: APIResponse) {
  const headers = response.headers();
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toContain("object-src 'none'");
  // Served over plain http (and no trusted proxy): no HSTS, whatever a client claims.
  expect(headers["strict-transport-security"]).toBeUndefined();
}

test("every kind of response carries the security headers", async ({ request }) => {
  for (const path of ["/sign-in", "/api/health", "/api/v1/openapi.json", "/api/v1/me", "/deployments"]) {
    const response = await request.get(path, { maxRedirects: 0, headers: { "x-forwarded-proto": "https" } });
    expect(response.status(), path).toBeLessThan(500);
    expectSecurityHeaders(response);
  }
});

test("each page gets its own script nonce, and every script on it carries that nonce", async ({ request }) => {
  const nonces: string[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await request.get("/sign-in");
    const csp = response.headers()["content-security-policy"]!;
    const nonce = csp.match(/'nonce-([^']+)'/)![1]!;
    expect(csp).toContain("'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    nonces.push(nonce);
  }
  expect(nonces[0]).not.toBe(nonces[1]);
});

as("viewer")("a NUL in a page's path or query answers 400 naming it, not an error page", async ({ page }) => {
  for (const [path, named] of [["/deployments/a%00b", "path:"], ["/rollbacks?status=%00", "query.status:"], ["/models/x%00/versions/v1", "path:"]] as const) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(400);
    expect((await response.json()).message, path).toContain(named);
  }
});

test("a server action posted from another site is refused with 403, not 500", async () => {
  const api = await playwrightRequest.newContext({ baseURL: appOrigin, storageState: storageStateFor("admin") });
  const response = await api.post("/settings/tokens", {
    headers: { origin: "http://evil.example", "next-action": "7f".repeat(21), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: '["evil"]',
  });
  expect(response.status()).toBe(403);
  expect((await response.json()).message).toContain("cross-site request refused");
  expectSecurityHeaders(response);
  await api.dispose();
});

test("a form on another site cannot use an operator's session to change anything", async () => {
  const api = await playwrightRequest.newContext({ baseURL: appOrigin, storageState: storageStateFor("operator") });
  const model = `e2e-csrf-${Date.now().toString(36)}`;
  const forged = await api.post(`/api/v1/models/${model}/versions`, {
    headers: { origin: "http://evil.example", "content-type": "text/plain" },
    data: JSON.stringify({ version: "v1", artifactUri: "s3://m/v1", artifactDigest: `sha256:${"c".repeat(64)}` }),
  });
  expect(forged.status()).toBe(403);
  const own = await api.get(`/api/v1/models/${model}/versions`);
  expect(own.status()).toBe(404);
  await api.dispose();
});

as("admin")("the dashboard's pages run under the Content-Security-Policy without a single violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => console.error(`Refused to load: CSP ${event.violatedDirective} ${event.blockedURI}`));
  });
  for (const path of ["/deployments", "/deployments/support-router", "/rollbacks", "/postmortems", "/analytics", "/rehearsals", "/audit", "/settings/tokens"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  // Scripts ran: the canary chart is drawn in the browser (once scrolled near).
  await page.goto("/deployments/support-router");
  await page.getByRole("heading", { name: "Canary metrics" }).scrollIntoViewIfNeeded();
  await expect(page.getByTestId("canary-chart").locator("svg")).toBeVisible();
  expect(violations).toEqual([]);
});
