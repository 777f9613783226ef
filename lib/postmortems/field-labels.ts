// What the review form calls each field the review requires, so a refusal or a blocker list
// names what the reader sees on the page, not a field path.

export const REQUIRED_FIELD_LABELS = {
  summary: "Summary",
  whatHappened: "What the bad model did",
  impact: "Impact",
  trigger: "Trigger",
  detectionSignal: "Detection signal",
  "missedCheck.suite": "Suite or slice that should have caught it",
  "missedCheck.reason": "Why the check missed it",
  "missedCheck.detail": "Missed check detail",
  "gateAddition.description": "Gate addition",
} as const;

export type RequiredField = keyof typeof REQUIRED_FIELD_LABELS;

export const requiredFieldLabel = (path: string): string => REQUIRED_FIELD_LABELS[path as RequiredField] ?? path;

/** The id of the form control for a field path, so a blocker can link to it. */
export const reviewFieldId = (path: string): string => `postmortem-${path.replace(/\./g, "-")}`;
