import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RollbackLiveView } from "@/components/rollbacks/rollback-live-view";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { listEligibleApprovers } from "@/lib/rollbacks/approvers";
import { getRollback } from "@/lib/rollbacks/rollback-views";

type Props = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Rollback" };

export default async function RollbackPage({ params }: Props) {
  const user = await requirePageUser("VIEWER");
  const { id } = await params;
  const view = await getRollback(id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const approver = hasRole(user.role, "APPROVER");
  const approvers = view.status === "AWAITING_APPROVAL" ? await listEligibleApprovers(id) : null;
  const owner = approver || (hasRole(user.role, "OPERATOR") && view.requestedBy === user.email);
  return (
    <>
      <PageHeader title={`${view.deployment}: ${view.fromVersion} → ${view.toVersion}`} description={<span className="mono small">{view.id}</span>} />
      <RollbackLiveView initial={view} approvers={approvers} allowed={{ approve: approver, reject: approver, cancel: owner, retry: owner }} />
    </>
  );
}
