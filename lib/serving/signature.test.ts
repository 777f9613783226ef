import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SIGNATURE_AGE_MS, signRequest, verifySignature, type SignedRequest } from "./signature";

const SECRET = "test-secret-0123456789";
const NOW = Date.UTC(2026, 5, 17, 14, 0, 0);
const request: SignedRequest = {
  method: "PUT",
  path: "/v1/deployments/support-router/pin",
  rawBody: JSON.stringify({ version: "v13", expectedRevision: 6 }),
};

function verify(
  sent: SignedRequest,
  signedAt: number,
  checkedAt: number,
  secret = SECRET,
  received: SignedRequest = sent,
) {
  const { timestamp, signature } = signRequest(secret, sent, signedAt);
  return verifySignature(SECRET, received, { timestamp, signature }, checkedAt);
}

describe("request signatures", () => {
  it("signs the documented string with HMAC-SHA256", () => {
    const { timestamp, signature } = signRequest(SECRET, request, NOW);
    expect(timestamp).toBe(String(NOW));
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    // Independent computation of `${timestamp}.${METHOD}.${path}.${rawBody}`.
    const expected = createHmac("sha256", SECRET).update(`${NOW}.PUT.${request.path}.${request.rawBody}`).digest("hex");
    expect(signature).toBe(`sha256=${expected}`);
  });

  it("accepts what it signed, a little later", () => {
    expect(verify(request, NOW, NOW + 1_000)).toEqual({ ok: true });
  });

  it("rejects a tampered body, path or method", () => {
    expect(verify(request, NOW, NOW, SECRET, { ...request, rawBody: request.rawBody.replace("v13", "v14") })).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(verify(request, NOW, NOW, SECRET, { ...request, path: "/v1/deployments/other/pin" })).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(verify(request, NOW, NOW, SECRET, { ...request, method: "POST" })).toEqual({ ok: false, reason: "mismatch" });
  });

  it("rejects another secret", () => {
    expect(verify(request, NOW, NOW, "another-secret-0123456789")).toEqual({ ok: false, reason: "mismatch" });
  });

  it("rejects a signature older than five minutes, or as far in the future", () => {
    expect(verify(request, NOW, NOW + MAX_SIGNATURE_AGE_MS)).toEqual({ ok: true });
    expect(verify(request, NOW, NOW + MAX_SIGNATURE_AGE_MS + 1)).toEqual({ ok: false, reason: "expired" });
    expect(verify(request, NOW + MAX_SIGNATURE_AGE_MS + 1, NOW)).toEqual({ ok: false, reason: "expired" });
  });

  it("rejects missing and malformed headers without throwing", () => {
    const { timestamp, signature } = signRequest(SECRET, request, NOW);
    const check = (headers: { timestamp: string | undefined; signature: string | undefined }) =>
      verifySignature(SECRET, request, headers, NOW);
    expect(check({ timestamp: undefined, signature })).toEqual({ ok: false, reason: "missing" });
    expect(check({ timestamp, signature: undefined })).toEqual({ ok: false, reason: "missing" });
    expect(check({ timestamp: "yesterday", signature })).toEqual({ ok: false, reason: "malformed" });
    expect(check({ timestamp, signature: signature.slice(7) })).toEqual({ ok: false, reason: "malformed" });
    expect(check({ timestamp, signature: "sha256=abc" })).toEqual({ ok: false, reason: "malformed" });
  });

  it("round-trips any body and rejects any change to it", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (body, suffix) => {
        const sent = { ...request, rawBody: body };
        expect(verify(sent, NOW, NOW)).toEqual({ ok: true });
        expect(verify(sent, NOW, NOW, SECRET, { ...sent, rawBody: body + suffix }).ok).toBe(false);
      }),
    );
  });
});
