"use client";

import { useNow } from "@/components/ui/use-now";
import { formatUtc } from "@/lib/format-time";
import { dwellCountdown, liveSplit } from "@/lib/rollbacks/ramp-progress";
import type { RollbackView } from "@/lib/rollbacks/rollback-views";
import { formatDuration } from "@/lib/format-duration";

/** While a rollback runs: the traffic split the serving plane carries now, and the stage being watched. */
export function RampProgress({ view }: { view: RollbackView }) {
  const now = useNow();
  const split = liveSplit(view);
  const dwell = now === null ? null : dwellCountdown(view.steps, now);
  return (
    <div className="stack" data-testid="ramp-progress" aria-live="polite">
      <p style={{ margin: 0 }}>
        Traffic now:{" "}
        <strong data-testid="live-split">
          {split.map((share) => `${share.version} ${share.percent}%`).join(" · ")}
        </strong>
      </p>
      {dwell ? (
        <div className="stack" style={{ gap: "0.25rem" }}>
          <label className="small" htmlFor={`dwell-${view.id}`} data-testid="dwell-countdown">
            Watching the canary at {dwell.percent}%: {formatDuration(Math.ceil(dwell.remainingMs / 1000) * 1000)} left, next stage at {formatUtc(new Date(dwell.endsAt))}
          </label>
          <progress id={`dwell-${view.id}`} max={dwell.dwellMs} value={dwell.dwellMs - dwell.remainingMs} style={{ width: "100%" }} />
        </div>
      ) : null}
    </div>
  );
}
