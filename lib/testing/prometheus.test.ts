import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openMetricsText, startPrometheus, type RunningPrometheus } from "./prometheus";

const now = Math.floor(Date.now() / 10_000) * 10_000;
const HOUR = 3_600_000;

function* every10s(from: number, to: number, value: (ts: number) => number) {
  for (let ts = from; ts <= to; ts += 10_000) yield [ts, value(ts)] as const;
}

describe("the Prometheus test harness", () => {
  it("writes OpenMetrics with a family's series together, escaped labels and NaN", () => {
    const text = openMetricsText([
      { name: "req_total", type: "counter", labels: { version: 'v"1' }, samples: [[1000, 1]] },
      { name: "acc", labels: { version: "v1" }, samples: [[1500, NaN]] },
      { name: "req_total", type: "counter", labels: { version: "v2" }, samples: [[2000, 2]] },
    ]);
    expect(text).toBe('# TYPE req counter\nreq_total{version="v\\"1"} 1 1\nreq_total{version="v2"} 2 2\n# TYPE acc gauge\nacc{version="v1"} NaN 1.5\n# EOF\n');
  });

  describe("a running Prometheus", () => {
    let prometheus: RunningPrometheus;
    beforeAll(async () => {
      prometheus = await startPrometheus({
        series: [{ name: "acc", labels: { version: "v1" }, samples: every10s(now - 3 * HOUR, now, (ts) => (ts < now - HOUR ? 0.9 : 0.8)) }],
      });
    }, 60_000);
    afterAll(() => prometheus?.stop());

    it("answers exactly the backfilled samples, the last minutes included", async () => {
      const form = new URLSearchParams({ query: 'acc{version="v1"}', start: String((now - 2 * HOUR) / 1000), end: String(now / 1000), step: "600" });
      const body = await (await fetch(`${prometheus.url}/api/v1/query_range`, { method: "POST", body: form })).json();
      const values = body.data.result[0].values as [number, string][];
      expect(values).toHaveLength(13);
      expect(values[0]).toEqual([(now - 2 * HOUR) / 1000, "0.9"]);
      expect(values[values.length - 1]).toEqual([now / 1000, "0.8"]);
    });

    it("stops and can be stopped twice", async () => {
      const other = await startPrometheus();
      expect(other.running()).toBe(true);
      await other.stop();
      expect(other.running()).toBe(false);
      await other.stop();
      await expect(fetch(`${other.url}/-/ready`)).rejects.toThrow();
    }, 60_000);
  });
});
