import type { Metadata } from "next";
import { loadOrNotFound } from "@/components/registry/load-or-not-found";
import { ReadinessSection } from "@/components/rehearsals/readiness-section";
import { requirePageUser } from "@/lib/auth/current-user";
import { getRecordedDegradation } from "@/lib/degradation/get-degradation";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { DeploymentHeader } from "../deployment-header";
import { ManifestsSection } from "../manifests-section";
import { RollbackPlanSection } from "../rollback-plan-section";

type Props = { params: Promise<{ deployment: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Rollback readiness · ${(await params).deployment}` };
}

/** How a rollback of this deployment would go: its plan, what it would change, and what rehearsals measured. */
export default async function DeploymentReadinessPage({ params }: Props) {
  await requirePageUser("VIEWER");
  const { deployment: slug } = await params;
  const [deployment, degradation] = await loadOrNotFound(Promise.all([getDeployment(slug), getRecordedDegradation(slug)]));
  return (
    <>
      <DeploymentHeader deployment={deployment} degradation={degradation} now={new Date()} current="/readiness" />
      <div className="stack">
        <RollbackPlanSection deployment={deployment} />
        <ManifestsSection deployment={deployment} />
        <ReadinessSection deployment={deployment.slug} />
      </div>
    </>
  );
}
