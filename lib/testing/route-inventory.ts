import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

// Every route handler and server action of the app, read from the file system, for the suites
// that must cover all of them (a new route is covered, or fails them, without anyone listing it).

export const projectRoot = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
/** `key` is `METHOD /route/[param]`, the route as its folder names it without route groups. */
export type RouteEntry = { key: string; method: string; route: string; handler: RouteHandler };
export type ActionResultLike = { ok: boolean; error?: { code: string; message: string } };
/** `key` is `file#export`. */
export type ActionEntry = { key: string; action: (input: unknown) => Promise<ActionResultLike> };

export async function routeInventory(): Promise<RouteEntry[]> {
  const entries: RouteEntry[] = [];
  for await (const file of walk(path.join(projectRoot, "app"))) {
    if (path.basename(file) !== "route.ts") continue;
    const segments = path.relative(path.join(projectRoot, "app"), path.dirname(file)).split(path.sep);
    const route = `/${segments.filter((s) => !/^\(.*\)$/.test(s)).join("/")}`;
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) if (typeof mod[method] === "function") entries.push({ key: `${method} ${route}`, method, route, handler: mod[method] as RouteHandler });
  }
  return entries;
}

export async function actionInventory(): Promise<ActionEntry[]> {
  const entries: ActionEntry[] = [];
  for (const dir of ["app", "lib", "components"]) {
    for await (const file of walk(path.join(projectRoot, dir))) {
      if (!/\.tsx?$/.test(file) || !/^\s*["']use server["']/.test(await readFile(file, "utf8"))) continue;
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value === "function") entries.push({ key: `${path.relative(projectRoot, file)}#${name}`, action: value as ActionEntry["action"] });
      }
    }
  }
  return entries;
}

/** The URL and params for a route, each `[param]` filled by `fill(name)` and `[...rest]` by `[rest]`. */
export function routeUrl(route: string, fill: (name: string) => string): { url: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const url = route
    .replace(/\[\.\.\.(\w+)\]/g, (_, name: string) => {
      params[name] = [fill(name)];
      return encodeURIComponent(fill(name));
    })
    .replace(/\[(\w+)\]/g, (_, name: string) => {
      params[name] = fill(name);
      return encodeURIComponent(fill(name));
    });
  return { url, params };
}
