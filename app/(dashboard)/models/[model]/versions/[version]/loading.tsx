import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";

export default function ModelVersionLoading() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading the version">
      <Skeleton height={28} width={280} />
      <Skeleton height={110} />
      <TableSkeleton rows={6} />
    </div>
  );
}
