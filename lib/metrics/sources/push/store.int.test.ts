import { describe, expect, it } from "vitest";
import { metricsPool } from "../../pg-pool";
import { makeMetricsDeployment } from "../../test-deployment";
import { downsampledPoints, storeResolvedPoints } from "./store";

const DAY = 86_400_000;
// The chart's range ends half-way through a minute, as a live chart's does.
const minute = Date.UTC(2026, 10, 30, 12, 0, 0);
const to = minute + 30_000;
const from = to - DAY;

/** 10-second points at 0.9 over the day, then a point every 100 ms in the last minute, where `spikes` sets some. */
async function storeDay(deploymentId: number, versionId: number, spikes: Map<number, number>) {
  const times: number[] = [];
  for (let t = minute - DAY; t < minute; t += 10_000) times.push(t);
  for (let t = minute; t < minute + 60_000; t += 100) times.push(t);
  await storeResolvedPoints({
    deploymentIds: times.map(() => deploymentId),
    metrics: times.map(() => "canary_accuracy"),
    versionIds: times.map(() => versionId),
    times,
    values: times.map((t) => spikes.get(t) ?? 0.9),
    counts: times.map(() => 20),
  });
}

describe("a day's chart ending inside a minute", () => {
  it("reads that minute's rollup for a version whose extremes lie before the end, and raw points for one whose do not", async () => {
    const { deployment, v1, v2 } = await makeMetricsDeployment();
    // v2's lowest and highest points of the minute both come before the chart's end.
    await storeDay(deployment.id, v2.id, new Map([[minute + 5_000, 0.7], [minute + 10_000, 0.99]]));
    // v1's highest point of the minute comes after it: within the range its highest is 0.95.
    await storeDay(deployment.id, v1.id, new Map([[minute + 5_000, 0.6], [minute + 20_000, 0.95], [minute + 45_000, 0.995]]));
    const chart = async () => {
      const series = await downsampledPoints({ deploymentId: deployment.id, metric: "canary_accuracy", versionIds: [v1.id, v2.id] }, from, to, 1000);
      return { v1: series.get(v1.id)!, v2: series.get(v2.id)! };
    };

    const exact = await chart();
    expect(exact.v2).toEqual(expect.arrayContaining([{ ts: minute + 5_000, value: 0.7, sampleCount: 20 }, { ts: minute + 10_000, value: 0.99, sampleCount: 20 }]));
    expect(exact.v1).toEqual(expect.arrayContaining([{ ts: minute + 5_000, value: 0.6, sampleCount: 20 }, { ts: minute + 20_000, value: 0.95, sampleCount: 20 }]));
    for (const points of [exact.v1, exact.v2]) {
      expect(points.every((p) => p.ts >= from && p.ts <= to)).toBe(true);
      expect(points.length).toBeGreaterThan(400);
    }

    // Where each version's end was read from shows when the rollups are marked: v2's minute row
    // is what its chart shows, v1's is not read at all.
    await metricsPool().query(
      `UPDATE "MetricRollupMinute" SET "minValue" = "minValue" - 0.5 WHERE "deploymentId" = $1 AND "bucketStart" = to_timestamp($2::float8 / 1000.0)`,
      [deployment.id, minute],
    );
    const marked = await chart();
    expect(marked.v2.find((p) => p.ts === minute + 5_000)?.value).toBeCloseTo(0.2);
    expect(marked.v1.find((p) => p.ts === minute + 5_000)?.value).toBe(0.6);
  });
});
