import { describe, expect, it } from "vitest";
import { statusLabel } from "./tones";

describe("statusLabel", () => {
  it("reads statuses as words, not enum names", () => {
    expect(statusLabel("AWAITING_APPROVAL")).toBe("Awaiting approval");
    expect(statusLabel("IN_REVIEW")).toBe("In review");
    expect(statusLabel("ROLLED_BACK")).toBe("Rolled back");
    expect(statusLabel("WONT_DO")).toBe("Won't do");
    expect(statusLabel("COMPLETED")).toBe("Completed");
  });
});
