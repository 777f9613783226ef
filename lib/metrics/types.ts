/** One aggregated metric point: `value` summarises `sampleCount` observations taken at `ts` (epoch ms). */
export interface MetricSample {
  ts: number;
  value: number;
  sampleCount: number;
}
