import { demoUser, expect, signIn, storageStateFor, test, type DemoRole } from "./fixtures";

// Signs in once per role through the real form and saves the session for the other specs; the
// five sign-ins are independent, so both workers take them while every other spec waits.
test.describe.configure({ mode: "parallel" });
for (const role of ["viewer", "operator", "approver", "approver2", "admin"] as DemoRole[]) {
  test(`sign in as ${role}`, async ({ page }) => {
    const user = demoUser(role);
    await signIn(page, user.email);
    await expect(page.getByTestId("current-user")).toContainText(user.role);
    await page.context().storageState({ path: storageStateFor(role) });
  });
}
