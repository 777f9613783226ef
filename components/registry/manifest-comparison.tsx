import { Badge } from "@/components/ui/badge";
import { Digest } from "@/components/ui/digest";
import { TableWrap } from "@/components/ui/table-wrap";
import { diffManifests, type StateCategory, type StateManifest } from "@/lib/registry/version-ref";

const CATEGORY_LABELS: Record<StateCategory, string> = {
  weights: "Weights digest",
  prompt: "Prompt template",
  vectorIndex: "Vector-index snapshot",
  agentMemory: "Agent-memory checkpoint",
  sharedContext: "Shared-context epoch",
  extras: "Extras",
};

function valueOf(manifest: StateManifest, category: StateCategory): string | null {
  switch (category) {
    case "weights":
      return manifest.weightsDigest;
    case "prompt":
      return manifest.promptTemplate ?? null;
    case "vectorIndex":
      return manifest.vectorIndexSnapshot ?? null;
    case "agentMemory":
      return manifest.agentMemoryCheckpoint ?? null;
    case "sharedContext":
      return manifest.sharedContextEpoch === undefined ? null : String(manifest.sharedContextEpoch);
    case "extras": {
      const entries = Object.entries(manifest.extras ?? {});
      return entries.length === 0 ? null : entries.map(([k, v]) => `${k}=${String(v)}`).join(", ");
    }
  }
}

type Side = { label: string; manifest: StateManifest };

function ManifestValue({ value, label }: { value: string | null; label: string }) {
  if (value === null) return <span className="muted">not declared</span>;
  return <Digest value={value} label={label} />;
}

/**
 * Two manifests side by side, the state categories that differ highlighted. `from` is the state
 * being left and `to` the state being moved to, so the split-brain warning reads as the move.
 */
export function ManifestComparison({ from, to, move }: { from: Side; to: Side; move: string }) {
  const diff = diffManifests(from.manifest, to.manifest);
  return (
    <div className="stack" data-testid="manifest-comparison">
      {diff.splitBrainRisk ? (
        <div className="alert warn" role="note" data-testid="split-brain-warning">
          <strong>Split-brain risk.</strong> {move} moves the weights but leaves the{" "}
          {diff.splitBrainCategories.map((c) => CATEGORY_LABELS[c].toLowerCase()).join(" and ")} on {from.label}&apos;s state: consumers
          would run {to.label}&apos;s weights against state written for {from.label}. Restore or invalidate it as part of the move.
        </div>
      ) : null}
      <p className="muted small">
        {diff.changed.length === 0
          ? "The two manifests are identical."
          : `Differs in ${diff.changed.length} of ${Object.keys(CATEGORY_LABELS).length} state categories: ${diff.changed.map((c) => CATEGORY_LABELS[c].toLowerCase()).join(", ")}.`}
      </p>
      <TableWrap label="Manifest comparison table">
        <table className="table" aria-label={`Manifest of ${from.label} compared with ${to.label}`}>
          <thead>
            <tr>
              <th scope="col">State category</th>
              <th scope="col">{from.label}</th>
              <th scope="col">{to.label}</th>
              <th scope="col">Compared</th>
            </tr>
          </thead>
          <tbody>
            {(Object.keys(CATEGORY_LABELS) as StateCategory[]).map((category) => {
              const differs = diff.differs[category];
              const splitBrain = (diff.splitBrainCategories as readonly StateCategory[]).includes(category);
              return (
                <tr key={category} className={differs ? "diff" : undefined} data-category={category} data-differs={differs}>
                  <th scope="row">{CATEGORY_LABELS[category]}</th>
                  <td className="mono small">
                    <ManifestValue value={valueOf(from.manifest, category)} label={`${CATEGORY_LABELS[category].toLowerCase()} of ${from.label}`} />
                  </td>
                  <td className="mono small">
                    <ManifestValue value={valueOf(to.manifest, category)} label={`${CATEGORY_LABELS[category].toLowerCase()} of ${to.label}`} />
                  </td>
                  <td>
                    {differs ? <Badge tone="info">differs</Badge> : splitBrain ? <Badge tone="bad">stays behind</Badge> : <Badge>same</Badge>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    </div>
  );
}
