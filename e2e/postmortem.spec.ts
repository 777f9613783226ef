import { expect, storageStateFor, test, as } from "./fixtures";

const DRAFT_TITLE = "support-router: v12 rolled back to v11 (latency on long tickets)";

test("the demo draft postmortem goes from draft to approved by two different people", async ({ browser }) => {
  const operator = await (await browser.newContext({ storageState: storageStateFor("operator") })).newPage();
  await operator.goto("/postmortems?status=DRAFT");
  await operator.getByRole("link", { name: DRAFT_TITLE }).click();
  await expect(operator.getByRole("heading", { level: 1, name: DRAFT_TITLE })).toBeVisible();
  await expect(operator.getByTestId("missing-fields")).toContainText("gateAddition.description");

  // Submitting an incomplete draft is refused, naming what is missing.
  await operator.getByRole("button", { name: "Submit for review" }).click();
  await expect(operator.getByRole("alert").filter({ hasText: "fill in before review" })).toContainText("whatHappened");

  const form = operator.getByRole("form", { name: "Postmortem review form" });
  await form.getByLabel("What the bad model did").fill("Doubled p95 latency on tickets over 2,000 characters; the triage agent timed out.");
  await form.getByLabel("Impact", { exact: false }).first().fill("About 6% of tickets waited for manual triage for up to 40 minutes.");
  await form.getByLabel("Detection signal").fill("Support's timeout reports; no latency policy existed.");
  await form.getByLabel("Suite or slice that should have caught it").fill("latency benchmark");
  await form.getByLabel("Why it did not").selectOption("UNREPRESENTATIVE_DATA");
  await form.getByLabel("Missed check detail").fill("The benchmark's tickets are all under 500 characters.");
  await form.getByLabel("Gate addition", { exact: true }).fill("Add a long-ticket slice to the latency benchmark");
  await form.getByRole("button", { name: "Save postmortem" }).click();
  await expect(form.getByRole("status")).toContainText("Saved:");

  await operator.getByRole("button", { name: "Submit for review" }).click();
  await expect(operator.getByText("Waiting for an APPROVER who is not the only author.")).toBeVisible();
  const url = operator.url();

  const approver = await (await browser.newContext({ storageState: storageStateFor("approver") })).newPage();
  await approver.goto(url);
  await approver.getByLabel("Review comment").fill("Clear gap and a concrete slice; approved.");
  await approver.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(approver.getByRole("status").filter({ hasText: "Approved." })).toBeVisible();
  await expect(approver.getByLabel("Review history")).toContainText("approver@reversegate.dev: approved");
  await expect(approver.getByText("Closes when:")).toBeVisible();

  await operator.goto("/postmortems?status=APPROVED");
  await expect(operator.getByRole("link", { name: DRAFT_TITLE })).toBeVisible();
  await operator.goto("/audit?action=postmortem.approved");
  await expect(operator.getByRole("table", { name: "Audit events" })).toContainText("approver@reversegate.dev");
});

as("viewer")("the worked example is closed, with its gate addition enforced and nine minutes to roll back", async ({ page }) => {
  await page.goto("/postmortems?status=CLOSED");
  await page.getByRole("link", { name: /v14 rolled back to v13/ }).click();
  await expect(page.getByTestId("duration-timeToRollbackMs")).toContainText("9m");
  await expect(page.getByRole("region", { name: "Gate addition" })).toContainText("nickname-and-shorthand");
  await page.goto("/postmortems/gate-additions?status=ENFORCED");
  await expect(page.getByRole("table", { name: "Gate additions" })).toContainText("nickname-and-shorthand");
});

as("viewer")("the rehearsals page shows a failed rehearsal's reason and the red readiness badge", async ({ page }) => {
  await page.goto("/rehearsals");
  const faq = page.getByTestId("rehearsals-faq-answerer");
  await expect(faq.getByTestId("rehearsal-failure-reason")).toContainText("prior version v1 refused by the serving plane");
  await expect(faq.getByTestId("readiness-badge")).toHaveAttribute("data-tone", "bad");
  await expect(faq.getByTestId("readiness-badge")).toContainText("rehearsal failed");
  // support-router's last rehearsal covered v14 → v13; v13 → v11 has not been rehearsed since.
  await expect(page.getByTestId("rehearsals-support-router").getByTestId("readiness-badge")).toHaveAttribute("data-tone", "warn");
  await expect(page.getByRole("button", { name: /Rehearse .* now/ })).toHaveCount(0);
});
