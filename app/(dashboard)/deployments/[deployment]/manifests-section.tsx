import { ManifestComparison } from "@/components/registry/manifest-comparison";
import { EmptyState } from "@/components/ui/empty-state";
import type { DeploymentDetailView } from "@/lib/deployments/schemas";

/** What a rollback would change: the live manifest next to the prior one. */
export function ManifestsSection({ deployment }: { deployment: DeploymentDetailView }) {
  const { live, prior } = deployment.manifests;
  return (
    <section className="card" aria-labelledby="manifests-heading">
      <h2 id="manifests-heading">Live vs prior manifest</h2>
      {live && prior && deployment.liveVersion && deployment.priorVersion ? (
        <ManifestComparison
          from={{ label: `${deployment.liveVersion} (live)`, manifest: live }}
          to={{ label: `${deployment.priorVersion} (prior)`, manifest: prior }}
          move={`Rolling back from ${deployment.liveVersion} to ${deployment.priorVersion}`}
        />
      ) : (
        <EmptyState title="Nothing to compare yet">
          <p>The comparison appears once a version is live and a prior pinned version exists to roll back to.</p>
        </EmptyState>
      )}
    </section>
  );
}
