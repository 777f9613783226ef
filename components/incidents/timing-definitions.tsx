import { TIMING_DEFINITIONS } from "@/lib/incidents/timings";

/** What TTD, TTR and the other figures measure: one definition, shown wherever they are. */
export function TimingDefinitions({ only }: { only?: readonly (keyof typeof TIMING_DEFINITIONS)[] }) {
  const keys = only ?? (Object.keys(TIMING_DEFINITIONS) as (keyof typeof TIMING_DEFINITIONS)[]);
  return (
    <details className="small" data-testid="timing-definitions">
      <summary>What these times measure</summary>
      <ul className="stack" style={{ margin: "0.4rem 0 0", paddingLeft: "1.1rem" }}>
        {keys.map((key) => (
          <li key={key}>{TIMING_DEFINITIONS[key]}</li>
        ))}
      </ul>
    </details>
  );
}
