import { IntentLink } from "@/components/ui/intent-link";
import { EmptyState } from "@/components/ui/empty-state";

export default function DeploymentNotFound() {
  return (
    <EmptyState page title="No such deployment">
      <p>No deployment has this slug. It may never have been created, or the link has a typo.</p>
      <IntentLink href="/deployments">All deployments</IntentLink>
    </EmptyState>
  );
}
