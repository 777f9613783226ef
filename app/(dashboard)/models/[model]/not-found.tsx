import { IntentLink } from "@/components/ui/intent-link";
import { EmptyState } from "@/components/ui/empty-state";

export default function ModelNotFound() {
  return (
    <EmptyState page title="Not in the registry">
      <p>No model, or no version of it, has this name. Versions are only ever added by registration, never renamed.</p>
      <IntentLink href="/models">All models</IntentLink>
    </EmptyState>
  );
}
