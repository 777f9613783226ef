import type { Metadata } from "next";
import { loadOrNotFound } from "@/components/registry/load-or-not-found";
import { DegradationPanel } from "@/components/degradation/degradation-panel";
import { CanarySection } from "@/components/metrics/canary-section";
import { DeploymentReadiness } from "@/components/rehearsals/deployment-readiness";
import { RollbackPanel } from "@/components/rollbacks/rollback-panel";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { getDegradation } from "@/lib/degradation/get-degradation";
import { DEGRADATION_WRITE_ROLE } from "@/lib/degradation/set-degradation";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { DeploymentHeader } from "./deployment-header";
import { OverviewSection } from "./overview-section";

type Props = { params: Promise<{ deployment: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).deployment };
}

/** What an incident needs on one page: the pinned versions, the rollback, degradation and the canary. */
export default async function DeploymentPage({ params }: Props) {
  const user = await requirePageUser("VIEWER");
  const { deployment: slug } = await params;
  const [deployment, degradation] = await loadOrNotFound(Promise.all([getDeployment(slug), getDegradation(slug)]));
  const now = new Date();
  return (
    <>
      <DeploymentHeader deployment={deployment} degradation={degradation} now={now} current="" />
      <div className="stack">
        <OverviewSection deployment={deployment} now={now} />
        <DeploymentReadiness deployment={deployment.slug} />
        <RollbackPanel slug={deployment.slug} />
        <DegradationPanel deployment={deployment.slug} initial={degradation} canChange={hasRole(user.role, DEGRADATION_WRITE_ROLE)} />
        <section aria-labelledby="canary-heading">
          <CanarySection deployment={deployment.slug} />
        </section>
      </div>
    </>
  );
}
