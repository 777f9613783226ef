import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div className="stack" aria-busy="true">
      <Skeleton height={28} width={320} />
      <Skeleton height={120} />
      <TableSkeleton rows={7} />
    </div>
  );
}
