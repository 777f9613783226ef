import { Skeleton, TableSkeleton } from "@/components/ui/skeleton";

/**
 * What a deployment's readiness and history tabs show while they load. The overview has none: it
 * arrives in the first response, so an engineer opening it from an alert sees content at first paint.
 */
export function DeploymentSkeleton({ label }: { label: string }) {
  return (
    <div className="stack" aria-busy="true" aria-label={label}>
      <Skeleton height={28} width={260} />
      <Skeleton height={120} />
      <TableSkeleton rows={6} />
    </div>
  );
}
