import { IntentLink } from "@/components/ui/intent-link";
import { EmptyState } from "@/components/ui/empty-state";

export default function DashboardNotFound() {
  return (
    <EmptyState page title="Not found">
      <p>Nothing here by that name. It may have been renamed or never existed.</p>
      <IntentLink href="/deployments">Back to deployments</IntentLink>
    </EmptyState>
  );
}
