import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Rehearsals" };

export default function RehearsalsPage() {
  return (
    <>
      <PageHeader title="Rehearsals" />
      <EmptyState title="No rehearsals yet">
        <p>Weekly rehearsals roll each deployment back to its prior version and forward again; their results will appear here.</p>
      </EmptyState>
    </>
  );
}
