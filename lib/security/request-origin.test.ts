import { describe, expect, it } from "vitest";
import { clientAddress, crossSiteRefusal, isJsonContentType, servedOverHttps } from "./request-origin";

const h = (headers: Record<string, string>) => new Headers(headers);
const direct = { trustProxy: 0 };
const behindOneProxy = { trustProxy: 1 };

describe("clientAddress", () => {
  it("takes the address the app's own server saw when no proxy is trusted, whatever the client wrote", () => {
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 198.51.100.9" }), direct)).toBe("198.51.100.9");
  });

  it("takes the address the nearest trusted proxy saw", () => {
    expect(clientAddress(h({ "x-forwarded-for": "1.1.1.1, 203.0.113.5, 10.0.0.2" }), behindOneProxy)).toBe("203.0.113.5");
    expect(clientAddress(h({ "x-forwarded-for": "203.0.113.5, 10.0.0.3, 10.0.0.2" }), { trustProxy: 2 })).toBe("203.0.113.5");
  });

  it("answers 'unknown' without any address", () => {
    expect(clientAddress(h({}), direct)).toBe("unknown");
  });
});

describe("servedOverHttps", () => {
  it("believes X-Forwarded-Proto only from a trusted proxy", () => {
    expect(servedOverHttps(h({ "x-forwarded-proto": "https" }), direct)).toBe(false);
    expect(servedOverHttps(h({ "x-forwarded-proto": "https" }), behindOneProxy)).toBe(true);
    expect(servedOverHttps(h({}), { trustProxy: 0, publicUrl: "https://rg.example.com" })).toBe(true);
  });
});

describe("crossSiteRefusal", () => {
  it("accepts the app's own origin, by its Host or its configured public URL", () => {
    expect(crossSiteRefusal(h({ host: "localhost:3000", origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }), direct)).toBeNull();
    expect(crossSiteRefusal(h({ host: "10.0.0.5:3000", origin: "https://rg.example.com" }), { trustProxy: 0, publicUrl: "https://rg.example.com" })).toBeNull();
  });

  it("refuses another origin, another port, a sibling site, a missing or opaque Origin", () => {
    expect(crossSiteRefusal(h({ host: "localhost:3000", origin: "http://evil.example" }), direct)).toMatch(/evil\.example/);
    expect(crossSiteRefusal(h({ host: "localhost:3000", origin: "http://localhost:4000" }), direct)).not.toBeNull();
    expect(crossSiteRefusal(h({ host: "localhost:3000", origin: "http://localhost:3000", "sec-fetch-site": "same-site" }), direct)).toMatch(/Sec-Fetch-Site/);
    expect(crossSiteRefusal(h({ host: "localhost:3000" }), direct)).toMatch(/Origin header/);
    expect(crossSiteRefusal(h({ host: "localhost:3000", origin: "null" }), direct)).not.toBeNull();
  });

  it("believes X-Forwarded-Host only from a trusted proxy", () => {
    const spoofed = h({ host: "localhost:3000", "x-forwarded-host": "evil.example", origin: "http://evil.example" });
    expect(crossSiteRefusal(spoofed, direct)).not.toBeNull();
    expect(crossSiteRefusal(h({ host: "app:3000", "x-forwarded-host": "rg.example.com", origin: "https://rg.example.com" }), behindOneProxy)).toBeNull();
  });
});

describe("isJsonContentType", () => {
  it("reads the media type, not its parameters", () => {
    expect(isJsonContentType("application/json; charset=utf-8")).toBe(true);
    expect(isJsonContentType("text/plain")).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });
});
