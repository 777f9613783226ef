// Request signing for the Serving Control API, shared by the client (http-adapter) and any server
// (the simulator). Pure: the caller supplies the clock, so both sides agree on what is signed.
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "x-reversegate-timestamp";
export const SIGNATURE_HEADER = "x-reversegate-signature";
/** Older (or further in the future, for clock skew) signatures are refused, to bound replays. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

const SIGNATURE_PREFIX = "sha256=";

export interface SignedRequest {
  method: string;
  /** The request target as sent: path plus any query string, e.g. `/v1/deployments/a/pin`. */
  path: string;
  /** The exact body bytes as text; `""` for a request without a body. */
  rawBody: string;
}

function hmacHex(secret: string, timestamp: string, request: SignedRequest): string {
  return createHmac("sha256", secret)
    .update(`${timestamp}.${request.method.toUpperCase()}.${request.path}.${request.rawBody}`)
    .digest("hex");
}

/** The two header values to send with `request`, signed at `nowMs`. */
export function signRequest(
  secret: string,
  request: SignedRequest,
  nowMs: number,
): { timestamp: string; signature: string } {
  const timestamp = String(Math.trunc(nowMs));
  return { timestamp, signature: `${SIGNATURE_PREFIX}${hmacHex(secret, timestamp, request)}` };
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "malformed" | "expired" | "mismatch" };

export function verifySignature(
  secret: string,
  request: SignedRequest,
  headers: { timestamp: string | undefined; signature: string | undefined },
  nowMs: number,
  maxAgeMs: number = MAX_SIGNATURE_AGE_MS,
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: "missing" };
  if (!/^\d{1,16}$/.test(timestamp) || !signature.startsWith(SIGNATURE_PREFIX)) {
    return { ok: false, reason: "malformed" };
  }
  const given = signature.slice(SIGNATURE_PREFIX.length);
  if (!/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: "malformed" };
  if (Math.abs(nowMs - Number(timestamp)) > maxAgeMs) return { ok: false, reason: "expired" };
  const expected = hmacHex(secret, timestamp, request);
  // Constant-time comparison so the answer time does not leak how much of a guess was right.
  if (!timingSafeEqual(Buffer.from(given, "hex"), Buffer.from(expected, "hex"))) {
    return { ok: false, reason: "mismatch" };
  }
  return { ok: true };
}
