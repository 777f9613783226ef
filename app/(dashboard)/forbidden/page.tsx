import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default async function Forbidden({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const { need } = await searchParams;
  return (
    <EmptyState title="You do not have access to this page">
      <p>{need ? `It needs the ${need.replace(/[^A-Z]/g, "")} role.` : "Your role does not allow it."} Ask an admin if you need it.</p>
      <Link href="/deployments">Back to deployments</Link>
    </EmptyState>
  );
}
