import type { Metadata } from "next";
import { loadOrNotFound } from "@/components/registry/load-or-not-found";
import { requirePageUser } from "@/lib/auth/current-user";
import { getRecordedDegradation } from "@/lib/degradation/get-degradation";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { getDeploymentTimeline } from "@/lib/deployments/get-deployment-timeline";
import { DeploymentHeader } from "../deployment-header";
import { HistorySection } from "../history-section";

type Props = { params: Promise<{ deployment: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `History · ${(await params).deployment}` };
}

/** Promotions, rollbacks, rehearsals and degradation changes of this deployment, newest first. */
export default async function DeploymentHistoryPage({ params }: Props) {
  await requirePageUser("VIEWER");
  const { deployment: slug } = await params;
  const [deployment, degradation, timeline] = await loadOrNotFound(Promise.all([getDeployment(slug), getRecordedDegradation(slug), getDeploymentTimeline(slug)]));
  const now = new Date();
  return (
    <>
      <DeploymentHeader deployment={deployment} degradation={degradation} now={now} current="/history" />
      <HistorySection entries={timeline} model={deployment.model} now={now} />
    </>
  );
}
