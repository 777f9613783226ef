import "server-only";
import { readRollbackPlan } from "@/lib/deployments/rollback-plan-store";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";

export type EligibleApprovers = {
  /** Names (and emails) of the people who may approve this operation now. */
  approvers: { name: string; email: string }[];
  /** The requester, named when the policy bars them from approving their own request. */
  excludedRequester: string | null;
};

/** Who may approve a rollback: every enabled APPROVER or ADMIN, less its requester where the rollback plan says so. */
export async function listEligibleApprovers(rollbackId: string): Promise<EligibleApprovers> {
  const op = await db().rollbackOperation.findUnique({ where: { id: rollbackId }, select: { deploymentId: true, requestedById: true, requestedByLabel: true } });
  if (!op) throw notFound(`rollback ${rollbackId}`);
  const distinct = (await readRollbackPlan(db(), op.deploymentId)).requireDistinctApprover;
  const people = await db().user.findMany({
    where: { role: { in: ["APPROVER", "ADMIN"] }, disabledAt: null },
    orderBy: { name: "asc" },
    select: { id: true, name: true, email: true },
  });
  const isRequester = (p: { id: string; email: string }) => p.id === op.requestedById || p.email === op.requestedByLabel;
  return {
    approvers: people.filter((p) => !(distinct && isRequester(p))).map(({ name, email }) => ({ name, email })),
    excludedRequester: distinct ? op.requestedByLabel : null,
  };
}
