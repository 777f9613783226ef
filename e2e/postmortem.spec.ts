import { expect, storageStateFor, test, as } from "./fixtures";

const DRAFT_TITLE = "support-router: v12 rolled back to v11 (latency on long tickets)";

test("the demo draft postmortem goes from draft to approved by two different people", async ({ browser }) => {
  const operator = await (await browser.newContext({ storageState: storageStateFor("operator") })).newPage();
  await operator.goto("/postmortems?status=DRAFT");
  await operator.getByRole("link", { name: DRAFT_TITLE }).click();
  await expect(operator.getByRole("heading", { level: 1, name: DRAFT_TITLE })).toBeVisible();
  // What is missing is named as the form labels it, and each name leads to its field.
  const missing = operator.getByTestId("missing-fields");
  await expect(missing).toContainText("Gate addition");
  await expect(missing).not.toContainText("gateAddition.description");
  await missing.getByRole("link", { name: "Suite or slice that should have caught it" }).click();
  await expect(operator.getByLabel("Suite or slice that should have caught it")).toBeFocused();

  // Submitting an incomplete draft is refused, naming what is missing.
  await operator.getByRole("button", { name: "Submit for review" }).click();
  const refusal = operator.getByRole("alert").filter({ hasText: "fill in before review" });
  await expect(refusal).toContainText("What the bad model did");
  await expect(refusal).not.toContainText("missedCheck");

  const form = operator.getByRole("form", { name: "Postmortem review form" });
  // Room to write: the form uses the card's width and the text areas show several lines.
  const summaryBox = (await form.getByLabel("Summary").boundingBox())!;
  expect(summaryBox.width).toBeGreaterThan(600);
  expect(summaryBox.height).toBeGreaterThan(100);
  await form.getByLabel("What the bad model did").fill("Doubled p95 latency on tickets over 2,000 characters; the triage agent timed out.");
  await form.getByLabel("Impact", { exact: false }).first().fill("About 6% of tickets waited for manual triage for up to 40 minutes.");
  await form.getByLabel("Detection signal").fill("Support's timeout reports; no latency policy existed.");
  await form.getByLabel("Suite or slice that should have caught it").fill("latency benchmark");
  await form.getByLabel("Why the check missed it").selectOption("UNREPRESENTATIVE_DATA");
  await form.getByLabel("Missed check detail").fill("The benchmark's tickets are all under 500 characters.");
  await form.getByLabel("Gate addition", { exact: true }).fill("Add a long-ticket slice to the latency benchmark");
  await form.getByRole("button", { name: "Save postmortem" }).click();
  await expect(form.getByRole("status")).toContainText("Saved:");
  // The save answered the refusal: neither it nor the list of missing fields stays on screen.
  await expect(refusal).toHaveCount(0);
  await expect(missing).toHaveCount(0);

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
