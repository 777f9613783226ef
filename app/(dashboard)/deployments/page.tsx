import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Deployments" };

export default function DeploymentsPage() {
  return (
    <>
      <PageHeader title="Deployments" />
      <EmptyState title="No deployments yet">
        <p>A deployment appears here when a pipeline registers one with <code>POST /api/v1/deployments</code>: its live and prior pinned versions, state and health.</p>
      </EmptyState>
    </>
  );
}
