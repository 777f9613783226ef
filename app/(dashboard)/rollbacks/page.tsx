import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Rollbacks" };

export default function RollbacksPage() {
  return (
    <>
      <PageHeader title="Rollbacks" />
      <EmptyState title="No rollbacks yet">
        <p>Every rollback request, approval and execution will be listed here, with time to detect and time to roll back.</p>
      </EmptyState>
    </>
  );
}
