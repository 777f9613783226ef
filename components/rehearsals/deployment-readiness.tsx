import { IntentLink } from "@/components/ui/intent-link";
import { getDeploymentReadiness } from "@/lib/rehearsals/manage-rehearsals";
import { ReadinessBadge } from "./readiness-badge";

/** The readiness badge of one deployment, for its page. */
export async function DeploymentReadiness({ deployment }: { deployment: string }) {
  const readiness = await getDeploymentReadiness(deployment);
  return (
    <p className="row" aria-label="Rollback readiness">
      <span>Rollback readiness:</span> <ReadinessBadge readiness={readiness} /> <IntentLink href="/rehearsals">Rehearsals</IntentLink>
    </p>
  );
}
