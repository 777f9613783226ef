import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { getRollbackPlan, ROLLBACK_PLAN_WRITE_ROLE } from "@/lib/deployments/rollback-plan-store";
import type { DeploymentDetailView } from "@/lib/deployments/schemas";
import { formatDuration } from "@/lib/format-duration";
import { trafficModes } from "@/lib/serving/capabilities";
import { RollbackPlanForm } from "./rollback-plan-form";

/** How this deployment rolls back, whichever metric detects the regression; an APPROVER edits it here. */
export async function RollbackPlanSection({ deployment }: { deployment: DeploymentDetailView }) {
  const user = await requirePageUser("VIEWER");
  const plan = await getRollbackPlan(deployment.slug);
  const canEdit = hasRole(user.role, ROLLBACK_PLAN_WRITE_ROLE);
  return (
    <section className="card stack" aria-labelledby="rollback-plan-heading">
      <h2 id="rollback-plan-heading">
        Rollback plan {plan.configured ? null : <Badge>defaults</Badge>}
      </h2>
      <dl className="kv" data-testid="rollback-plan">
        <dt>Traffic</dt>
        <dd>{plan.mode === "ramp" ? `ramp ${plan.rampStages.join("% → ")}%, watching the canary ${plan.rampDwellSeconds} s at each stage` : "instant: all traffic at once"}</dd>
        <dt>Approval</dt>
        <dd>{plan.requireDistinctApprover ? "an APPROVER other than the requester" : "any APPROVER, the requester included"}</dd>
        <dt>Consumers</dt>
        <dd>
          {plan.blockOnUnacknowledged
            ? "every consumer must acknowledge the invalidation"
            : plan.blockingConsumers.length > 0
              ? `${plan.blockingConsumers.join(", ")} must acknowledge; others only warn`
              : "a missing acknowledgement only warns"}
        </dd>
        <dt>Rollback SLO</dt>
        <dd data-testid="rollback-slo">
          {plan.sloRollbackSeconds === null ? (
            <span className="muted">no target set</span>
          ) : (
            <>
              roll back within {formatDuration(plan.sloRollbackSeconds * 1000)}
              {plan.sloDetectSeconds === null ? null : <>, detect within {formatDuration(plan.sloDetectSeconds * 1000)}</>}
            </>
          )}
        </dd>
        {plan.updatedAt ? (
          <>
            <dt>Changed</dt>
            <dd>
              <Time value={plan.updatedAt} />
            </dd>
          </>
        ) : null}
      </dl>
      {canEdit ? (
        <details>
          <summary>Change the rollback plan</summary>
          <RollbackPlanForm
            deployment={deployment.slug}
            plan={plan}
            consumers={deployment.consumers.map((c) => c.name)}
            modes={trafficModes(deployment.serving.capabilities)}
          />
        </details>
      ) : (
        <p className="small muted">An {ROLLBACK_PLAN_WRITE_ROLE} can change it.</p>
      )}
    </section>
  );
}
