import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { acceptsGzip, answerOf, conditionalJson, GZIP_MIN_BYTES } from "./shared-read";

const chart = { points: Array.from({ length: 2_000 }, (_, i) => ({ t: 1_700_000_000_000 + i * 10_000, v: 0.9 + (i % 7) / 1000 })) };
const ask = (headers: Record<string, string> = {}) => new Request("http://localhost/api/v1/deployments/d/series", { headers });

describe("acceptsGzip", () => {
  it.each([
    ["gzip, deflate, br", true],
    ["GZIP;Q=0.5", true],
    ["x-gzip", true],
    ["*", true],
    ["*;q=0, gzip", true],
    ["br, gzip;q=0", false],
    ["gzip;q=0, *", false],
    ["identity", false],
    ["deflate, br", false],
    ["", false],
  ])("%j takes gzip: %s", (header, expected) => expect(acceptsGzip(header)).toBe(expected));

  it("is false when the request names no encoding at all", () => expect(acceptsGzip(null)).toBe(false));
});

describe("conditionalJson", () => {
  it("sends a reader who takes gzip the answer compressed, under its own ETag, and 304 when they hold it", async () => {
    const answer = answerOf(chart);
    expect(answer.body.length).toBeGreaterThan(GZIP_MIN_BYTES * 50);
    const first = await conditionalJson(ask({ "accept-encoding": "gzip, deflate" }), answer);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-encoding")).toBe("gzip");
    expect(first.headers.get("vary")).toBe("accept-encoding");
    const compressed = Buffer.from(await first.arrayBuffer());
    expect(compressed.length).toBeLessThan(answer.body.length / 4);
    expect(JSON.parse(gunzipSync(compressed).toString())).toEqual(chart);
    const etag = first.headers.get("etag")!;
    expect(etag).not.toBe(answer.etag);

    const again = await conditionalJson(ask({ "accept-encoding": "gzip", "if-none-match": etag }), answer);
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
  });

  it("compresses a shared answer once, however many readers take it", async () => {
    const answer = answerOf(chart);
    const [a, b] = await Promise.all([answer.gzipped(), answer.gzipped()]);
    expect(a).toBe(b);
  });

  it("sends the answer as it is to a reader who does not take gzip, and does not take the gzipped ETag for it", async () => {
    const answer = answerOf(chart);
    const gzipTag = (await conditionalJson(ask({ "accept-encoding": "gzip" }), answer)).headers.get("etag")!;
    const plain = await conditionalJson(ask({ "if-none-match": gzipTag }), answer);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("etag")).toBe(answer.etag);
    expect(JSON.parse(await plain.text())).toEqual(chart);
  });

  it("leaves a small answer uncompressed: gzip would cost more than it saves", async () => {
    const answer = answerOf({ level: "full" });
    const response = await conditionalJson(ask({ "accept-encoding": "gzip" }), answer);
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(await response.json()).toEqual({ level: "full" });
  });
});
