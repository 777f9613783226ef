import { z } from "zod";

/**
 * What a serving backend can do. A backend declares these from its configuration (no network
 * call), so the deployment page and the rollback dialog can show them before anything runs, the
 * dialog offers only the modes the backend can do, and the executor skips, with the reason on
 * record, a step that needs a capability the backend lacks.
 *
 * A new capability is one more field here and one more entry in `SERVING_CAPABILITIES`.
 */
export interface ServingCapabilities {
  /** Split traffic between two versions: the partial stages of a watched ramp. */
  ramp: boolean;
  /** Move all traffic to one version in a single change: an instant rollback. */
  instantFlip: boolean;
  /** Keep each session on one version while traffic is split. */
  stickiness: boolean;
  /** Tell consumers to drop state cached against the old version, and track their acknowledgements. */
  consumerInvalidation: boolean;
  /** Put a version's state manifest (prompt, vector index, memory checkpoint…) back with it. */
  manifestRestore: boolean;
  /**
   * Serve at a graduated level short of a rollback: `reduced` (optional features off), `fallback`
   * (a named fallback answers) or `off` (a fixed response). Optional: a backend that does not
   * declare it cannot degrade, and the page offers no levels for it.
   */
  degradation?: boolean;
  /** Check, before moving anything, that a version's state artifacts (vector index snapshot, memory checkpoint) answer. Optional like `degradation`. */
  manifestPreflight?: boolean;
}

export type ServingCapability = keyof ServingCapabilities;

/** How each capability reads on the page, and what its absence means for a rollback. */
export const SERVING_CAPABILITIES: Readonly<Record<ServingCapability, { label: string; lacking: string }>> = {
  ramp: { label: "Ramp (traffic split)", lacking: "cannot split traffic between versions" },
  instantFlip: { label: "Instant flip", lacking: "cannot move all traffic in one change" },
  stickiness: { label: "Session stickiness", lacking: "cannot keep sessions on one version while traffic is split" },
  consumerInvalidation: { label: "Consumer invalidation", lacking: "cannot tell consumers to drop cached state" },
  manifestRestore: { label: "Manifest restore", lacking: "cannot restore a version's state manifest" },
  degradation: { label: "Graduated degradation", lacking: "cannot degrade (reduced, fallback or off); it can only serve normally or roll back" },
  manifestPreflight: { label: "Manifest preflight", lacking: "cannot check that a version's state artifacts answer before a rollback" },
};

/** Whether the backend declared `capability`; an optional one it never mentions it does not have. */
export const hasCapability = (capabilities: ServingCapabilities, capability: ServingCapability): boolean => capabilities[capability] === true;

export const ALL_CAPABILITIES: Readonly<ServingCapabilities> = {
  ramp: true,
  instantFlip: true,
  stickiness: true,
  consumerInvalidation: true,
  manifestRestore: true,
  degradation: true,
  manifestPreflight: true,
};

/** What a backend that could not be built can do: nothing. */
export const NO_CAPABILITIES: Readonly<ServingCapabilities> = {
  ramp: false,
  instantFlip: false,
  stickiness: false,
  consumerInvalidation: false,
  manifestRestore: false,
  degradation: false,
  manifestPreflight: false,
};

export const servingCapabilitiesSchema = z.strictObject({
  ramp: z.boolean(),
  instantFlip: z.boolean(),
  stickiness: z.boolean(),
  consumerInvalidation: z.boolean(),
  manifestRestore: z.boolean(),
  degradation: z.boolean().optional(),
  manifestPreflight: z.boolean().optional(),
}) satisfies z.ZodType<ServingCapabilities>;

/** Why a step that needs `capability` was skipped, e.g. "the serving backend cannot restore a version's state manifest". */
export function lackingReason(capability: ServingCapability): string {
  return `the serving backend ${SERVING_CAPABILITIES[capability].lacking}`;
}

/** Every capability in a stable order, with its label and whether the backend has it. */
export function listCapabilities(capabilities: ServingCapabilities): { capability: ServingCapability; label: string; supported: boolean }[] {
  return (Object.keys(SERVING_CAPABILITIES) as ServingCapability[]).map((capability) => ({
    capability,
    label: SERVING_CAPABILITIES[capability].label,
    supported: hasCapability(capabilities, capability),
  }));
}

export type TrafficMode = "instant" | "ramp";

/** How a backend with these capabilities can move traffic back: all at once, in watched stages, or both. */
export function trafficModes(capabilities: ServingCapabilities): TrafficMode[] {
  return [...(capabilities.instantFlip ? (["instant"] as const) : []), ...(capabilities.ramp ? (["ramp"] as const) : [])];
}

/** The preferred mode when the backend can do it, else the one it can (null when it can do neither). */
export function trafficModeFor(preferred: TrafficMode, capabilities: ServingCapabilities): TrafficMode | null {
  const modes = trafficModes(capabilities);
  return modes.includes(preferred) ? preferred : (modes[0] ?? null);
}
