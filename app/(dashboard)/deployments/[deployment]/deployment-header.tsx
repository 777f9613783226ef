import { IntentLink } from "@/components/ui/intent-link";
import { HealthBadge } from "@/components/deployments/deployment-health";
import { LEVEL_TONE } from "@/components/degradation/tones";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import type { RecordedDegradation } from "@/lib/degradation/schemas";
import type { DeploymentDetailView } from "@/lib/deployments/schemas";

const TABS = [
  { segment: "", label: "Overview" },
  { segment: "/readiness", label: "Rollback readiness" },
  { segment: "/history", label: "History" },
] as const;

export type DeploymentTab = (typeof TABS)[number]["segment"];

/**
 * The deployment's name, health and degradation, and its tabs: the overview an incident needs
 * (rollback, degradation, canary), how ready a rollback is, and the history. Each tab is its own
 * page, so a phone loads only the one it shows.
 */
export function DeploymentHeader({ deployment, degradation, now, current }: { deployment: DeploymentDetailView; degradation: RecordedDegradation; now: Date; current: DeploymentTab }) {
  const base = `/deployments/${deployment.slug}`;
  return (
    <>
      <PageHeader
        title={deployment.slug}
        description={
          <>
            Serves <IntentLink href={`/models/${deployment.model}`}>{deployment.model}</IntentLink> in {deployment.environment} through{" "}
            <code>{deployment.serving.target}</code>
          </>
        }
        actions={
          <>
            <HealthBadge health={deployment.health} now={now} />
            {degradation.level === "normal" ? null : (
              <span data-testid="header-degradation">
                <Badge tone={LEVEL_TONE[degradation.level]} title={`set by ${degradation.setBy ?? "unknown"}: ${degradation.reason ?? "no reason recorded"}`}>
                  degraded: {degradation.level}
                </Badge>{" "}
                <span className="small">
                  by {degradation.setBy ?? "unknown"} · {degradation.reason ?? "no reason recorded"}
                </span>
              </span>
            )}
          </>
        }
      />
      <nav className="tabs" aria-label={`${deployment.slug} sections`}>
        {TABS.map((tab) => (
          <IntentLink key={tab.segment} href={`${base}${tab.segment}`} aria-current={tab.segment === current ? "page" : undefined}>
            {tab.label}
          </IntentLink>
        ))}
      </nav>
    </>
  );
}
