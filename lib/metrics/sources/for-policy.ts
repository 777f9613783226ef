import "server-only";
import type { Prisma } from "@prisma/client";
import { secretFromEnv } from "@/lib/env";
import { storedKind } from "@/lib/plugins/kind-registry";
import { metricSources } from ".";
import { MetricSourceError, type MetricSource, type MetricSourceDeps } from "./source";

/** The columns a policy keeps its metric source in. */
export type PolicySourceColumns = { sourceKind: string; sourceConfig: Prisma.JsonValue };

export const storedSource = (row: PolicySourceColumns) => storedKind(row.sourceKind, row.sourceConfig);

/** A source whose every read fails with `reason`: a stored configuration its kind no longer accepts. */
function misconfigured(reason: string): MetricSource {
  const refuse = () => Promise.reject(new MetricSourceError("configuration", reason));
  return { window: refuse, priorHistory: refuse, chartSeries: refuse, inspect: refuse };
}

/**
 * The source a policy reads its metric from, built by its kind from its stored configuration;
 * secrets come from the environment unless `deps` says otherwise.
 */
export function metricSourceFor(row: PolicySourceColumns, deps: MetricSourceDeps = { secret: secretFromEnv }): MetricSource {
  try {
    return metricSources.create(storedSource(row), deps);
  } catch (error) {
    return misconfigured(`${row.sourceKind} source: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Where the policy's metric is read from, for the policy panel. */
export function describeSource(row: PolicySourceColumns): { kind: string; label: string; target: string } {
  try {
    const stored = storedSource(row);
    return { kind: stored.kind, label: metricSources.get(stored.kind).label, ...metricSources.describe(stored) };
  } catch (error) {
    return { kind: row.sourceKind, label: row.sourceKind, target: `misconfigured: ${error instanceof Error ? error.message : String(error)}` };
  }
}
