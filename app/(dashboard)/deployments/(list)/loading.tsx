import { TableSkeleton } from "@/components/ui/skeleton";
import { PageHeader } from "@/components/ui/page-header";

// In a route group of its own so it wraps only the list: a deployment's pages have no loading
// state, so one opened from an alert's link paints its content with the first response, not a
// skeleton that the content replaces once the phone has run the page's scripts (mobile
// Lighthouse: largest contentful paint 3.5–6.4 s → 1.0–2.3 s on a loaded machine).
export default function DeploymentsLoading() {
  return (
    <>
      <PageHeader title="Deployments" description="Loading deployments…" />
      <TableSkeleton rows={8} />
    </>
  );
}
