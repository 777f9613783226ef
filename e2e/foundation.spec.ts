import AxeBuilder from "@axe-core/playwright";
import { as, demoUser, expect, signIn, test } from "./fixtures";

test.describe("signing in", () => {
  test("a wrong password gets one generic message and no session", async ({ page }) => {
    await signIn(page, demoUser("viewer").email, "not-the-password");
    await expect(page.getByTestId("sign-in-error")).toHaveText("Email or password is incorrect.");
    await signIn(page, "nobody@reversegate.dev", "not-the-password");
    await expect(page.getByTestId("sign-in-error")).toHaveText("Email or password is incorrect.");
    await page.goto("/deployments");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("signing out ends the session", async ({ page }) => {
    await signIn(page, demoUser("operator").email);
    await expect(page.getByTestId("current-user")).toContainText("OPERATOR");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/audit");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});

as("viewer")("an old link to /forbidden answers 403 with a heading", async ({ page }) => {
  const response = await page.goto("/forbidden?need=ADMIN");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "You do not have access to this page" })).toBeVisible();
});

test("the site has an icon", async ({ request }) => {
  const response = await request.get("/favicon.ico");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/image\//);
});

as("viewer")("a viewer sees the dashboard but cannot reach user management", async ({ page }) => {
  await page.goto("/deployments");
  for (const link of ["Deployments", "Models", "Rollbacks", "Postmortems", "Rehearsals", "Audit", "Settings"]) {
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link })).toBeVisible();
  }
  const response = await page.goto("/settings/users");
  // Answered where it was asked, with the status a script or a proxy can act on.
  expect(response?.status()).toBe(403);
  await expect(page).toHaveURL(/\/settings\/users$/);
  await expect(page.getByRole("heading", { level: 1, name: "You do not have access to this page" })).toBeVisible();
  await expect(page.getByRole("main")).toContainText("It needs the ADMIN role; you are a VIEWER.");
  await page.goto("/settings");
  await expect(page.getByRole("link", { name: "Users and roles" })).toHaveCount(0);
});

for (const role of ["operator", "approver"] as const) {
  as(role)(`a ${role} cannot reach user management either`, async ({ page }) => {
    const response = await page.goto("/settings/users");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1, name: "You do not have access to this page" })).toBeVisible();
  });
}

as("admin")("an admin adds a user, changes their role, and the audit log records both", async ({ page }) => {
  const email = `new-${Date.now()}@example.test`;
  await page.goto("/settings/users");
  const form = page.getByRole("form", { name: "Add a user" });
  await form.getByLabel("Name").fill("New Person");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Initial password").fill("a-long-enough-password");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`Created ${email}.`)).toBeVisible();
  const row = page.getByTestId(`user-row-${email}`);
  await expect(row).toBeVisible();
  await row.getByLabel(`Role of ${email}`).selectOption("OPERATOR");
  await expect(row.getByRole("status")).toHaveText("saved");
  await page.goto("/audit?action=user.change_role");
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText('"role":"OPERATOR"');
  await page.goto("/audit?action=user.create");
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText(email);
});

as("admin")("an admin creates an API token that is shown once and works against the API", async ({ page, request }) => {
  await page.goto("/settings/tokens");
  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name").fill(`e2e-${Date.now()}`);
  await form.getByLabel("Role").selectOption("OPERATOR");
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(token).toMatch(/^rgt_/);
  const me = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ role: "OPERATOR" });
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
});

as("viewer")("the audit page shows the hash chain verified and has no accessibility violations", async ({ page }) => {
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  // The worker checks the chain when it starts: the page shows that check's result.
  await expect(page.getByRole("heading", { name: "Hash chain verified" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Hash chain verified" })).toContainText("the worker's hourly check");
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

as("viewer")("a page loads the pages it links to when the user reaches for a link, not while it starts", async ({ page }) => {
  const prefetched: string[] = [];
  page.on("request", (request) => {
    if (request.headers()["next-router-prefetch"]) prefetched.push(new URL(request.url()).pathname);
  });
  await page.goto("/deployments/support-router");
  await expect(page.getByRole("heading", { level: 1, name: "support-router" })).toBeVisible();
  // Next would have prefetched every link in view by now (it starts as soon as the page is idle).
  await page.waitForTimeout(1_500);
  expect(prefetched).toEqual([]);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Rollbacks/ }).hover();
  await expect.poll(() => prefetched).toContain("/rollbacks");
});
