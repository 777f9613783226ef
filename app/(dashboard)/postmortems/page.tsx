import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Postmortems" };

export default function PostmortemsPage() {
  return (
    <>
      <PageHeader title="Postmortems" />
      <EmptyState title="No postmortems yet">
        <p>A draft opens here for every completed rollback: what the bad model did, the missed offline check, and the gate addition.</p>
      </EmptyState>
    </>
  );
}
