import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div className="stack">
      <Skeleton height={28} width={240} />
      <TableSkeleton />
    </div>
  );
}
