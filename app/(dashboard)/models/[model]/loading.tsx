import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";

export default function ModelLoading() {
  return (
    <div className="stack" aria-busy="true" aria-label="Loading versions">
      <Skeleton height={28} width={240} />
      <TableSkeleton rows={6} />
    </div>
  );
}
