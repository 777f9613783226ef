import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { Prisma } from "@prisma/client";
import type { Actor } from "@/lib/actor";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { secretFromEnv } from "@/lib/env";
import { forbidden } from "@/lib/errors";
import { loadDeploymentContext } from "./deployment-context";
import { formatNumber } from "@/lib/format-number";
import { humaniseSeconds } from "./floor";
import { judgePolicy } from "./judge-policy";
import type { RollbackPolicy } from "./policy";
import { POLICY_WRITE_ROLE, type Verdict } from "./policy-store";
import { metricSources } from "./sources";
import { describeSource, metricSourceFor, storedSource } from "./sources/for-policy";
import { MetricSourceError, type FoundSeries } from "./sources/source";

/** What "Test query" shows: what the source finds for the live version now, and the verdict the policy would give. */
export interface PolicyTestResult {
  deployment: string;
  testedAt: string;
  /** The live version the query ran for; null when the deployment has none. */
  version: string | null;
  source: { kind: string; label: string; target: string };
  /** The query as run for the live version, placeholders filled in (null for a source without one). */
  query: string | null;
  /** The window the series were read over. */
  window: { from: string; to: string; stepSeconds: number };
  series: (Omit<FoundSeries, "latest"> & { latest: { ts: string; value: number } | null })[];
  /** Why the series could not be read, when they could not. */
  seriesError: string | null;
  floor: { value: number; source: string } | null;
  floorUnavailable: string | null;
  verdict: Verdict;
  /** The verdict in a sentence. */
  summary: string;
  stats: Record<string, unknown>;
}

/** Fields that choose what a source reads rather than where it connects with which credentials. */
const READ_FIELDS = new Set(["query"]);

const connectionOf = ({ kind, config }: { kind: string; config: Record<string, unknown> }) => ({
  kind,
  ...Object.fromEntries(Object.entries(config).filter(([field]) => !READ_FIELDS.has(field))),
});

/**
 * Runs `policy` against the deployment now, changing nothing: the series its source finds for
 * the live version over the window, the floor, and the verdict an evaluation would record.
 * An OPERATOR may test any query, but may use a credential from the environment only on a
 * connection one of the deployment's saved policies already uses (so a test cannot send a
 * secret to a new address); an APPROVER, who may save policies, may test any.
 */
export async function testPolicy(actor: Actor, deploymentSlug: string, policy: RollbackPolicy): Promise<PolicyTestResult> {
  const context = await loadDeploymentContext({ slug: deploymentSlug });
  const stored = metricSources.toStored(policy.source);
  const row = { sourceKind: stored.kind, sourceConfig: stored.config as Prisma.JsonObject };

  const secretsAsked: string[] = [];
  const source = metricSourceFor(row, {
    secret: (name) => {
      secretsAsked.push(name);
      return secretFromEnv(name);
    },
  });
  if (secretsAsked.length > 0 && !hasRole(actor.role, POLICY_WRITE_ROLE)) {
    const saved = await db().rollbackPolicy.findMany({ where: { deploymentId: context.id }, select: { sourceKind: true, sourceConfig: true } });
    if (!saved.some((p) => isDeepStrictEqual(connectionOf(storedSource(p)), connectionOf(stored)))) {
      throw forbidden(
        `source: this connection reads ${secretsAsked.join(", ")} from the environment and no saved policy of ${deploymentSlug} uses it; only an ${POLICY_WRITE_ROLE} may test credentials on a new connection`,
      );
    }
  }

  const now = Date.now();
  const window = { from: now - policy.windowSeconds * 1000, to: now, stepSeconds: policy.sampleIntervalSeconds };
  const live = context.live;
  let inspection: Awaited<ReturnType<typeof source.inspect>> | null = null;
  let seriesError: string | null = null;
  if (live) {
    try {
      inspection = await source.inspect({ deploymentId: context.id, deployment: context.slug, metric: policy.metric, versionId: live.id, version: live.version }, window);
    } catch (error) {
      if (!(error instanceof MetricSourceError)) throw error;
      seriesError = `${error.kind} error: ${error.message}`;
    }
  }
  const judgement = await judgePolicy(policy, source, context, now);
  const reason = typeof judgement.stats.reason === "string" ? judgement.stats.reason : null;
  const count = Number(judgement.stats.count ?? 0);
  const windowText = `${humaniseSeconds(policy.windowSeconds).replace("-", " ")} window`;
  const summary =
    judgement.verdict === "breach"
      ? `all ${count} points in the ${windowText} breach the floor ${formatNumber(judgement.floor.value)}: a detection would fire (action: ${policy.action})`
      : judgement.verdict === "healthy"
        ? `${String(judgement.stats.breachingCount)} of ${count} points in the ${windowText} breach the floor ${formatNumber(judgement.floor.value)}: healthy`
        : (reason ?? judgement.verdict);

  return {
    deployment: context.slug,
    testedAt: new Date(now).toISOString(),
    version: live?.version ?? null,
    source: describeSource(row),
    query: inspection?.query ?? null,
    window: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), stepSeconds: window.stepSeconds },
    series: (inspection?.series ?? []).map((s) => ({ ...s, latest: s.latest ? { ts: new Date(s.latest.ts).toISOString(), value: s.latest.value } : null })),
    seriesError,
    floor: "floor" in judgement && judgement.floor ? { value: judgement.floor.value, source: judgement.floor.source.description } : null,
    floorUnavailable: "floor" in judgement && judgement.floor ? null : reason,
    verdict: judgement.verdict,
    summary,
    stats: judgement.stats,
  };
}
