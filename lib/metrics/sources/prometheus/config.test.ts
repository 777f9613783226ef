import { describe, expect, it } from "vitest";
import { rollbackPolicySchema } from "../../policy";

const policy = (source: Record<string, unknown>) => ({
  metric: "canary_accuracy",
  source: { kind: "prometheus", url: "https://prometheus.example:9090", query: 'up{version="{{version}}"}', ...source },
  direction: "higher_is_better",
  floor: { mode: "explicit", value: 0.9 },
  windowSeconds: 600,
  evaluationIntervalSeconds: 60,
  minSamples: 10,
  action: "notify",
});

const problems = (source: Record<string, unknown>) =>
  rollbackPolicySchema.safeParse(policy(source)).error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) ?? [];

describe("a prometheus source's configuration", () => {
  it("takes a path prefix, bearer or basic auth by variable name, a timeout, TLS and tenant headers", () => {
    const parsed = rollbackPolicySchema.parse(
      policy({ url: "https://mimir.example/prometheus", auth: { type: "basic", username: "rg", passwordEnv: "MIMIR_PASSWORD" }, tls: { caFile: "/etc/ca.pem" }, headers: { "X-Scope-OrgID": "team-a" } }),
    );
    expect(parsed.source).toMatchObject({ timeoutSeconds: 10, tls: { caFile: "/etc/ca.pem", insecureSkipVerify: false } });
    expect(parsed.consecutiveErrorLimit).toBe(3);
  });

  it("names the field it refuses and why", () => {
    expect(problems({ url: "https://user:secret@prometheus.example" })).toEqual([
      "source.url: the URL may carry a path prefix but no credentials, query or fragment (credentials go in auth)",
    ]);
    expect(problems({ url: "http://prometheus.example", tls: { insecureSkipVerify: true } })).toEqual(["source.tls: needs an https URL"]);
    expect(problems({ auth: { type: "bearer", tokenEnv: "DATABASE_URL" } })).toEqual([
      "source.auth.tokenEnv: DATABASE_URL holds one of Reversegate's own secrets; name a variable that holds the Prometheus credential",
    ]);
    expect(problems({ auth: { type: "bearer", token: "abc" } })).toEqual(expect.arrayContaining([expect.stringMatching(/^source\.auth/)]));
    expect(problems({ headers: { Authorization: "Bearer x" } })).toEqual(["source.headers.Authorization: Authorization is set by Reversegate itself (credentials go in auth)"]);
    expect(problems({ query: 'up{version="{{version}}"} + on() {{deployment}}' })).toEqual([
      'source.query: the query {{deployment}} must sit inside a quoted label value, e.g. {deployment="{{deployment}}"}',
    ]);
    expect(problems({ timeoutSeconds: 0 })).toEqual(["source.timeoutSeconds: must be a whole number of seconds between 1 and 120"]);
  });
});
