import "server-only";
import { Suspense } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { listDetections } from "@/lib/metrics/detections";
import { listPolicies, POLICY_WRITE_ROLE } from "@/lib/metrics/policy-store";
import { CanaryChart } from "./canary-chart";
import { DetectionsList } from "./detections-list";
import { PolicyPanel } from "./policy-panel";
import { PolicySourceForm } from "./policy-source-form";

/** The deployment page's canary section: chart, rollback policies and detections. */
export async function CanarySection({ deployment }: { deployment: string }) {
  const [user, policies, detections] = await Promise.all([requirePageUser("VIEWER"), listPolicies(deployment), listDetections(deployment, { limit: 10 })]);
  const canTest = hasRole(user.role, "OPERATOR");
  const canSave = hasRole(user.role, POLICY_WRITE_ROLE);
  const metric = policies[0]?.metric;
  return (
    <div className="stack">
      <h2 id="canary-heading">Canary metrics</h2>
      {metric ? (
        <Suspense fallback={<div className="skeleton" style={{ height: 380 }} aria-hidden="true" />}>
          <CanaryChart deployment={deployment} metric={metric} />
        </Suspense>
      ) : (
        <EmptyState title="No rollback policy">
          <p>
            Set one with <code>PUT /api/v1/deployments/{deployment}/policy</code> (APPROVER): the metric, its floor, the window and the action.
          </p>
        </EmptyState>
      )}
      <div className="grid-2">
        {policies.map((p) => (
          <PolicyPanel
            key={p.id}
            policy={p}
            editor={
              canTest ? (
                <details>
                  <summary>{canSave ? "Change the metric source or test a query" : "Test a query"}</summary>
                  <PolicySourceForm deployment={deployment} policy={p} canSave={canSave} />
                </details>
              ) : null
            }
          />
        ))}
      </div>
      <h3>Detections</h3>
      <DetectionsList detections={detections} />
    </div>
  );
}
