import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";

export default function ModelsLoading() {
  return (
    <>
      <PageHeader title="Models" description="Loading models…" />
      <TableSkeleton rows={5} />
    </>
  );
}
