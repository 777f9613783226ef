import type { TrafficWeight } from "./port";

/** The weights that put `percent` of traffic on `target` and the rest on `other`. */
export function splitWeights(target: string, other: string, percent: number): TrafficWeight[] {
  return percent >= 100 ? [{ version: target, percent: 100 }] : [{ version: target, percent }, { version: other, percent: 100 - percent }];
}

/** Whether two splits put the same share on each version (versions at 0 % carry nothing). */
export function sameSplit(a: readonly TrafficWeight[], b: readonly TrafficWeight[]): boolean {
  const shares = (weights: readonly TrafficWeight[]) =>
    new Map(weights.filter((w) => w.percent > 0).map((w) => [w.version, w.percent] as const));
  const left = shares(a);
  const right = shares(b);
  return left.size === right.size && [...left].every(([version, percent]) => right.get(version) === percent);
}

export const describeSplit = (weights: readonly TrafficWeight[]) =>
  weights.filter((w) => w.percent > 0).map((w) => `${w.version} ${w.percent}%`).join(" / ") || "no traffic";
