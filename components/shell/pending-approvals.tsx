"use client";

import { useQuery } from "@tanstack/react-query";
import { callApi } from "@/components/rollbacks/rollback-queries";
import { polling } from "@/lib/polling";

/** How many rollbacks wait for an approver, kept current while the dashboard is open. */
export function PendingApprovals({ initial }: { initial: number }) {
  const { data: count } = useQuery({
    queryKey: ["rollbacks", "awaiting-approval-count"],
    queryFn: async () => (await callApi<{ rollbacks: unknown[] }>("/api/v1/rollbacks?status=AWAITING_APPROVAL&limit=200")).rollbacks.length,
    initialData: initial,
    ...polling<number>(15_000),
  });
  if (!count) return null;
  return (
    <span className="badge warn" data-testid="pending-approvals">
      {count}
      <span className="sr-only"> awaiting approval</span>
    </span>
  );
}
