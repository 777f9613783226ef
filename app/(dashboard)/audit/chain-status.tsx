import { Time } from "@/components/ui/time";
import type { AuditChainStatus } from "@/lib/audit/check-audit-chain";

/** The hourly check is late after two hours: the worker is probably not running. */
const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

const sourceLabel = (source: string) => (source === "cli" ? "npm run audit:verify" : "the worker's hourly check");

/** Whether the audit log's hash chain verified, from the newest recorded check (no hashing here). */
export function ChainStatus({ status, now = new Date() }: { status: AuditChainStatus; now?: Date }) {
  const { last, appendedSince } = status;
  if (!last) {
    return (
      <section className="alert info" aria-labelledby="chain-status">
        <h2 id="chain-status">Hash chain not verified yet</h2>
        <p>The worker re-computes the chain every hour. To check it now: <code>npm run audit:verify</code>.</p>
      </section>
    );
  }
  const checked = (
    <>
      checked <Time value={last.checkedAt} now={now} /> by {sourceLabel(last.source)} in {last.durationMs} ms
    </>
  );
  if (!last.ok) {
    return (
      <section className="alert error" aria-labelledby="chain-status">
        <h2 id="chain-status">Hash chain broken{last.brokenEventId !== null ? ` at event #${last.brokenEventId}` : ""}</h2>
        <p>{last.message}</p>
        <p className="small">
          {checked}. The log was changed with the database&apos;s guards turned off: compare with a backup and find out who holds the database&apos;s owner or superuser role.
        </p>
      </section>
    );
  }
  const stale = now.getTime() - last.checkedAt.getTime() > STALE_AFTER_MS;
  return (
    <section className={`alert ${stale ? "warn" : "success"}`} aria-labelledby="chain-status">
      <h2 id="chain-status">Hash chain verified</h2>
      <p>
        {last.eventCount.toLocaleString("en-US")} events
        {last.headEventId !== null ? ` up to #${last.headEventId}` : ""} {checked}; {appendedSince.toLocaleString("en-US")} appended since.
        {stale ? " That check is over two hours old: is the worker running?" : ""}
      </p>
    </section>
  );
}
