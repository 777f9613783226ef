import { z } from "zod";

// The one shape of Reversegate's plug-ins (serving backends, metric sources): a `kind` names a
// folder that exports a definition; a registry lists the definitions, one line each. Clients send
// `{kind, ...config}`; a row stores `{kind, config}`; everything else is derived from the list.

/** One plug-in kind: how its configuration is checked, what is built from it, and how it reads on a page. */
export interface KindDefinition<Schema extends z.ZodObject, Built, Deps, Description> {
  /** Lowercase, stable: it is stored on rows and sent by clients. */
  readonly kind: string;
  /** What the kind is, for people, e.g. "Serving Control API over HTTP". */
  readonly label: string;
  /** The configuration without `kind`. Strict, so a misspelt field is refused rather than dropped. */
  readonly configSchema: Schema;
  create(config: z.output<Schema>, deps: Deps): Built;
  describe(config: z.output<Schema>): Description;
}

/** A definition with its config type erased, so kinds with different configs share one list. */
export interface RegisteredKind<Built, Deps, Description> {
  readonly kind: string;
  readonly label: string;
  readonly configSchema: z.ZodObject;
  create(config: unknown, deps: Deps): Built;
  describe(config: unknown): Description;
}

export function defineKind<Schema extends z.ZodObject, Built, Deps, Description>(
  definition: KindDefinition<Schema, Built, Deps, Description>,
): RegisteredKind<Built, Deps, Description> {
  const parse = (config: unknown) => definition.configSchema.parse(config);
  return {
    kind: definition.kind,
    label: definition.label,
    configSchema: definition.configSchema,
    create: (config, deps) => definition.create(parse(config), deps),
    describe: (config) => definition.describe(parse(config)),
  };
}

/** What a row stores: the kind, and its configuration as that kind's schema accepted it. */
export type StoredKind = { kind: string; config: Record<string, unknown> };

/** A row's kind and JSON configuration column as a StoredKind (a non-object configuration reads as empty). */
export function storedKind(kind: string, config: unknown): StoredKind {
  return { kind, config: typeof config === "object" && config !== null && !Array.isArray(config) ? (config as Record<string, unknown>) : {} };
}

/** What a client sends and reads: `{kind, ...config}`. */
export type KindInput = { kind: string } & Record<string, unknown>;

export interface KindRegistry<Built, Deps, Description> {
  readonly kinds: readonly string[];
  /** A discriminated union on `kind` over every registered kind: the API's input and its OpenAPI schema. */
  readonly inputSchema: z.ZodType<KindInput, KindInput>;
  get(kind: string): RegisteredKind<Built, Deps, Description>;
  /** An accepted input as a row stores it. */
  toStored(input: KindInput): StoredKind;
  /** A stored row as a client reads (and could send back) it. */
  toInput(stored: StoredKind): KindInput;
  create(stored: StoredKind, deps: Deps): Built;
  describe(stored: StoredKind): Description;
}

/**
 * A registry over `definitions`. `what` names the plug-in in messages, e.g. "serving backend".
 * Stored configurations are parsed again on every use, so a row written by an older version of a
 * kind is checked against what the kind accepts now.
 */
export function createKindRegistry<Built, Deps, Description>(
  what: string,
  definitions: readonly RegisteredKind<Built, Deps, Description>[],
): KindRegistry<Built, Deps, Description> {
  const byKind = new Map(definitions.map((definition) => [definition.kind, definition]));
  if (byKind.size !== definitions.length || definitions.length === 0) {
    throw new Error(`${what} registry: kinds must be unique and at least one (got ${definitions.map((d) => d.kind).join(", ")})`);
  }
  const kinds = [...byKind.keys()];
  const members = definitions.map((definition) => definition.configSchema.safeExtend({ kind: z.literal(definition.kind) }));
  const inputSchema = z.discriminatedUnion("kind", members as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (issue) => (issue.code === "invalid_union" ? `kind must be one of ${kinds.map((k) => `"${k}"`).join(", ")}` : undefined),
  }) as unknown as z.ZodType<KindInput, KindInput>;

  const get = (kind: string) => {
    const definition = byKind.get(kind);
    if (!definition) throw new Error(`unknown ${what} kind "${kind}" (registered: ${kinds.join(", ")})`);
    return definition;
  };
  return {
    kinds,
    inputSchema,
    get,
    toStored: ({ kind, ...config }) => ({ kind, config: get(kind).configSchema.parse(config) as Record<string, unknown> }),
    toInput: ({ kind, config }) => ({ kind, ...config }),
    create: ({ kind, config }, deps) => get(kind).create(config, deps),
    describe: ({ kind, config }) => get(kind).describe(config),
  };
}

/** A field naming an environment variable that holds a secret: the secret itself is never stored. */
export const secretEnvName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, "the NAME of an environment variable, e.g. SERVING_SECRET (secrets are never stored)");
