import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Models" };

export default function ModelsPage() {
  return (
    <>
      <PageHeader title="Models" />
      <EmptyState title="No models registered">
        <p>Pipelines register versions with <code>POST /api/v1/models/&#123;model&#125;/versions</code>; each pinned version, its manifest and scores will be listed here.</p>
      </EmptyState>
    </>
  );
}
