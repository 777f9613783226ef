import { TableSkeleton } from "@/components/ui/skeleton";
import { PageHeader } from "@/components/ui/page-header";

export default function DeploymentsLoading() {
  return (
    <>
      <PageHeader title="Deployments" description="Loading deployments…" />
      <TableSkeleton rows={8} />
    </>
  );
}
