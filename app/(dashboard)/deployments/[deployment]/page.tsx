import type { Metadata } from "next";
import Link from "next/link";
import { loadOrNotFound } from "@/components/registry/load-or-not-found";
import { HealthBadge } from "@/components/deployments/deployment-health";
import { Badge } from "@/components/ui/badge";
import { DegradationPanel } from "@/components/degradation/degradation-panel";
import { LEVEL_TONE } from "@/components/degradation/tones";
import { CanarySection } from "@/components/metrics/canary-section";
import { DeploymentReadiness } from "@/components/rehearsals/deployment-readiness";
import { ReadinessSection } from "@/components/rehearsals/readiness-section";
import { RollbackPanel } from "@/components/rollbacks/rollback-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { getDegradation } from "@/lib/degradation/get-degradation";
import { DEGRADATION_WRITE_ROLE } from "@/lib/degradation/set-degradation";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { getDeploymentTimeline } from "@/lib/deployments/get-deployment-timeline";
import { HistorySection } from "./history-section";
import { ManifestsSection } from "./manifests-section";
import { OverviewSection } from "./overview-section";
import { RollbackPlanSection } from "./rollback-plan-section";

type Props = { params: Promise<{ deployment: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).deployment };
}

export default async function DeploymentPage({ params }: Props) {
  const user = await requirePageUser("VIEWER");
  const { deployment: slug } = await params;
  const [deployment, timeline, degradation] = await loadOrNotFound(Promise.all([getDeployment(slug), getDeploymentTimeline(slug), getDegradation(slug)]));
  const now = new Date();
  return (
    <>
      <PageHeader
        title={deployment.slug}
        description={
          <>
            Serves <Link href={`/models/${deployment.model}`}>{deployment.model}</Link> in {deployment.environment} through{" "}
            <code>{deployment.serving.target}</code>
          </>
        }
        actions={
          <>
            <HealthBadge health={deployment.health} now={now} />
            {degradation.level === "normal" ? null : (
              <span data-testid="header-degradation">
                <Badge tone={LEVEL_TONE[degradation.level]} title={`set by ${degradation.setBy ?? "unknown"}: ${degradation.reason ?? "no reason recorded"}`}>
                  degraded: {degradation.level}
                </Badge>{" "}
                <span className="small">
                  by {degradation.setBy ?? "unknown"} · {degradation.reason ?? "no reason recorded"}
                </span>
              </span>
            )}
          </>
        }
      />
      <div className="stack">
        <OverviewSection deployment={deployment} now={now} />
        <DeploymentReadiness deployment={deployment.slug} />
        <RollbackPanel slug={deployment.slug} />
        <DegradationPanel deployment={deployment.slug} initial={degradation} canChange={hasRole(user.role, DEGRADATION_WRITE_ROLE)} />
        <RollbackPlanSection deployment={deployment} />
        <ReadinessSection deployment={deployment.slug} />
        <section aria-labelledby="canary-heading">
          <CanarySection deployment={deployment.slug} />
        </section>
        <ManifestsSection deployment={deployment} />
        <HistorySection entries={timeline} model={deployment.model} now={now} />
      </div>
    </>
  );
}
