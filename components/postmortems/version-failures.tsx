import { IntentLink } from "@/components/ui/intent-link";
import { Time } from "@/components/ui/time";
import { listVersionFailures } from "@/lib/postmortems/list-postmortems";
import { StatusBadge } from "./postmortem-status-badge";
import { statusLabel } from "@/components/registry/tones";

/** The production failures recorded against a version, each with the postmortems behind it. */
export async function VersionFailures({ model, version }: { model: string; version: string }) {
  const failures = await listVersionFailures(model, version);
  return (
    <section className="card stack" aria-labelledby="production-failures">
      <h2 id="production-failures">Production failures</h2>
      {failures.length === 0 ? (
        <p className="muted">No production failure is recorded against {version}.</p>
      ) : (
        <ul className="stack">
          {failures.map((f) => (
            <li key={f.deployment}>
              <strong>{f.deployment}</strong>: rolled back <Time value={f.rolledBackAt} />
              {f.productionFailure ? <p className="small">{f.productionFailure}</p> : null}
              {f.postmortems.length === 0 ? (
                <p className="small muted">No postmortem yet.</p>
              ) : (
                <ul>
                  {f.postmortems.map((pm) => (
                    <li key={pm.id}>
                      <IntentLink href={`/postmortems/${pm.id}`}>{pm.title}</IntentLink> <StatusBadge status={pm.status} />
                      {pm.gateAddition ? <span className="small"> — gate addition: {pm.gateAddition.description} ({statusLabel(pm.gateAddition.status)})</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
