import { IntentLink } from "@/components/ui/intent-link";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { hasRole } from "@/lib/auth/roles";
import { getRollbackPreview } from "@/lib/rollbacks/rollback-preview";
import { listRollbacks } from "@/lib/rollbacks/rollback-views";
import { formatDuration } from "@/lib/format-duration";
import { formatNumber } from "@/lib/format-number";
import { STATUS_TONE } from "./format";
import { RollbackButton } from "./rollback-button";
import { statusLabel } from "@/components/registry/tones";

/** The deployment page's rollback section: the detection banner, the button, recent operations. */
export async function RollbackPanel({ slug }: { slug: string }) {
  const user = await requirePageUser("VIEWER");
  const [preview, recent] = await Promise.all([getRollbackPreview(slug, user.role), listRollbacks({ deployment: slug, limit: 5 })]);
  const canRequest = hasRole(user.role, "OPERATOR");
  const detection = preview.openDetection;
  return (
    <section className="card stack" aria-labelledby="rollback-panel-title">
      <h2 id="rollback-panel-title">Rollback</h2>
      {detection ? (
        <div className="alert error stack" role="alert" data-testid="detection-banner">
          <p style={{ margin: 0 }}>
            <strong>{preview.fromVersion}</strong> is below its floor: {detection.metric} under {formatNumber(detection.floorValue)}, <IntentLink href={`/detections/${detection.id}`}>detected</IntentLink>{" "}
            <Time value={detection.detectedAt} /> (
            {formatDuration(detection.timeToDetectMs)} after the regression began).
          </p>
          {canRequest && !preview.inFlight ? (
            <div className="row">
              <RollbackButton preview={preview} detectionId={detection.id} label="Roll back now" />
            </div>
          ) : null}
        </div>
      ) : null}
      {preview.inFlight ? (
        <p>
          A rollback is in flight: <IntentLink href={`/rollbacks/${preview.inFlight.id}`}>{statusLabel(preview.inFlight.status).toLowerCase()}</IntentLink>.
        </p>
      ) : canRequest ? (
        <div className="row">
          <RollbackButton preview={preview} />
        </div>
      ) : (
        <p className="muted small">An OPERATOR can request a rollback to the prior pinned version{preview.toVersion ? ` (${preview.toVersion})` : ""}.</p>
      )}
      {recent.length > 0 ? (
        <ul className="stack small" style={{ margin: 0, paddingLeft: "1.1rem" }} aria-label="Recent rollbacks">
          {recent.map((op) => (
            <li key={op.id}>
              <IntentLink href={`/rollbacks/${op.id}`}>
                {op.kind === "REHEARSAL" ? "Rehearsal" : "Rollback"} {op.fromVersion} → {op.toVersion}
              </IntentLink>{" "}
              <Badge tone={STATUS_TONE[op.status]}>{statusLabel(op.status)}</Badge> <Time value={op.requestedAt} />
              {op.timeToRollbackMs !== null ? <> · time to roll back {formatDuration(op.timeToRollbackMs)}</> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
