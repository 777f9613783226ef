import type { Metadata } from "next";
import Link from "next/link";
import { loadOrNotFound } from "@/components/registry/load-or-not-found";
import { HealthBadge } from "@/components/deployments/deployment-health";
import { CanarySection } from "@/components/metrics/canary-section";
import { DeploymentReadiness } from "@/components/rehearsals/deployment-readiness";
import { RollbackPanel } from "@/components/rollbacks/rollback-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
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
  await requirePageUser("VIEWER");
  const { deployment: slug } = await params;
  const [deployment, timeline] = await loadOrNotFound(Promise.all([getDeployment(slug), getDeploymentTimeline(slug)]));
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
        actions={<HealthBadge health={deployment.health} now={now} />}
      />
      <div className="stack">
        <OverviewSection deployment={deployment} now={now} />
        <DeploymentReadiness deployment={deployment.slug} />
        <RollbackPanel slug={deployment.slug} />
        <RollbackPlanSection deployment={deployment} />
        <section aria-labelledby="canary-heading">
          <CanarySection deployment={deployment.slug} />
        </section>
        <ManifestsSection deployment={deployment} />
        <HistorySection entries={timeline} model={deployment.model} now={now} />
      </div>
    </>
  );
}
