// How a backend names Reversegate's pinned versions in its own terms (an HAProxy server, a KServe
// storageUri), both ways: a version to its name when it moves traffic, a name back to a version
// when it reads what is serving. Either an explicit map or a pattern with one `{version}`.
import { z } from "zod";
import { isPinnedVersionId, PINNED_VERSION_MESSAGE } from "@/lib/registry/version-ref";

const PLACEHOLDER = "{version}";

export type VersionNamesConfig = string | Record<string, string>;

export interface VersionNames {
  /** The backend's name for `version`, or null when the configuration has none. */
  nameOf(version: string): string | null;
  /** The version a backend name stands for, or null when it maps to none. */
  versionOf(name: string): string | null;
}

/**
 * `{"v13": "srv-13", "v14": "srv-14"}` or `"srv-{version}"`. `name` checks each resulting name
 * (and the pattern's fixed parts), `example` shows the pattern form in messages.
 */
export function versionNamesSchema(name: z.ZodString, example: string) {
  const pattern = z
    .string()
    .refine((value) => value.split(PLACEHOLDER).length === 2, { error: `a pattern must contain ${PLACEHOLDER} exactly once, e.g. "${example}"` })
    .refine((value) => name.safeParse(value.replace(PLACEHOLDER, "v1")).success, { error: `the pattern does not give a valid name (e.g. "${example}")` });
  const map = z
    .record(z.string().refine(isPinnedVersionId, { error: PINNED_VERSION_MESSAGE }), name)
    .refine((value) => Object.keys(value).length > 0, { error: "name at least one version" })
    .refine((value) => new Set(Object.values(value)).size === Object.keys(value).length, { error: "two versions map to the same name" });
  return z.union([pattern, map]);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function versionNames(config: VersionNamesConfig): VersionNames {
  if (typeof config === "string") {
    const [prefix = "", suffix = ""] = config.split(PLACEHOLDER);
    const shape = new RegExp(`^${escapeRegExp(prefix)}(.+)${escapeRegExp(suffix)}$`);
    return {
      nameOf: (version) => `${prefix}${version}${suffix}`,
      versionOf: (name) => {
        const version = shape.exec(name)?.[1];
        return version !== undefined && isPinnedVersionId(version) ? version : null;
      },
    };
  }
  const byName = new Map(Object.entries(config).map(([version, name]) => [name, version]));
  return {
    nameOf: (version) => config[version] ?? null,
    versionOf: (name) => byName.get(name) ?? null,
  };
}
