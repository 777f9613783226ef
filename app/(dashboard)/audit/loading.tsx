import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div className="stack" aria-busy="true">
      <Skeleton height={28} width={240} />
      <TableSkeleton />
    </div>
  );
}
