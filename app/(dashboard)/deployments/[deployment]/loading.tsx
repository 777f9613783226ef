import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";

export default function DeploymentLoading() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading the deployment">
      <Skeleton height={28} width={260} />
      <Skeleton height={120} />
      <TableSkeleton rows={6} />
      <TableSkeleton rows={4} />
    </div>
  );
}
