import { describe, expect, it } from "vitest";
import { describeServingFailure, ServingError } from "./port";

describe("describeServingFailure", () => {
  it("names the attempts and the root cause of an unreachable serving plane", () => {
    const cause = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:4999") });
    const error = new ServingError("unreachable", "GET /v1/deployments/x: serving plane unreachable (ECONNREFUSED)", { attempts: 4, cause });
    expect(describeServingFailure(error)).toBe("serving API unreachable after 4 attempts (connect ECONNREFUSED 127.0.0.1:4999)");
  });

  it("quotes a refusal", () => {
    const error = new ServingError("rejected", "PUT /v1/deployments/x/pin: 422 version_refused: version v13 refused", { status: 422 });
    expect(describeServingFailure(error)).toBe("serving API refused the request (PUT /v1/deployments/x/pin: 422 version_refused: version v13 refused)");
  });
});
