import { describe, expect, it } from "vitest";
import { expandTemplate, parseTemplate } from "./promql-template";

const values = { version: "v14", deployment: "support-router" };
const RATIO = 'sum(rate(router_correct_total{version="{{version}}"}[5m])) / sum(rate(router_requests_total{version="{{version}}"}[5m]))';

describe("a PromQL template", () => {
  it("fills every placeholder, also with spaces inside the braces and in single quotes", () => {
    expect(expandTemplate(RATIO, values)).toBe('sum(rate(router_correct_total{version="v14"}[5m])) / sum(rate(router_requests_total{version="v14"}[5m]))');
    expect(expandTemplate("up{version='{{ version }}', deployment=\"{{deployment}}\"}", values)).toBe("up{version='v14', deployment=\"support-router\"}");
  });

  it("escapes a value so it cannot leave its quotes", () => {
    const hostile = { version: 'v1"} or vector(1) or up{x="', deployment: "d" };
    expect(expandTemplate('up{version="{{version}}"}', hostile)).toBe('up{version="v1\\"} or vector(1) or up{x=\\""}');
    expect(expandTemplate("up{version='{{version}}'}", { version: "v1'\\", deployment: "d" })).toBe("up{version='v1\\'\\\\'}");
    expect(expandTemplate('up{version="{{version}}"}', { version: "a\nb\u0001", deployment: "d" })).toBe('up{version="a\\nb\\x01"}');
  });

  it("quotes a value as a literal inside a regular-expression matcher, so v1.2 does not match v1x2", () => {
    expect(expandTemplate('up{version=~"{{version}}"}', { version: "v1.2", deployment: "d" })).toBe('up{version=~"v1\\\\.2"}');
    expect(expandTemplate('up{version!~ "{{version}}|v0"}', { version: "v1+", deployment: "d" })).toBe('up{version!~ "v1\\\\+|v0"}');
    expect(expandTemplate("up{version=~`{{version}}`}", { version: "v1.2", deployment: "d" })).toBe("up{version=~`v1\\.2`}");
  });

  it("refuses a value a raw string cannot hold", () => {
    expect(() => expandTemplate("up{version=`{{version}}`}", { version: "v`1", deployment: "d" })).toThrow(/cannot be written inside a `raw` string/);
  });

  it("refuses a placeholder outside quotes, an unknown one, a query without {{version}}, and an open string", () => {
    expect(parseTemplate("up{version={{version}}}")).toEqual({ ok: false, problem: '{{version}} must sit inside a quoted label value, e.g. {version="{{version}}"}' });
    expect(parseTemplate('up{model="{{model}}", version="{{version}}"}')).toEqual({ ok: false, problem: "{{model}} is not a placeholder; use {{version}} or {{deployment}}" });
    expect(parseTemplate('up{deployment="{{deployment}}"}')).toMatchObject({ ok: false, problem: expect.stringMatching(/^must contain \{\{version\}\}/) });
    expect(parseTemplate('up{version="{{version}}}')).toEqual({ ok: false, problem: 'has an unterminated " string' });
  });

  it("skips comments and escaped quotes when finding where a placeholder sits", () => {
    const query = 'up{job="a\\"b", version="{{version}}"} # not "{{deployment}}\n+ 0';
    expect(expandTemplate(query, values)).toBe('up{job="a\\"b", version="v14"} # not "{{deployment}}\n+ 0');
  });
});
