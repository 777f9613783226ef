// A policy's PromQL with `{{version}}` and `{{deployment}}` placeholders. A placeholder must sit
// inside a quoted label value; its value is escaped for the kind of string it sits in (and quoted
// as a literal when the string is a regular expression, `=~`/`!~`), so a version id can neither
// break out of its quotes nor match other versions' series.

export const PLACEHOLDERS = ["version", "deployment"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

type Quote = '"' | "'" | "`";

interface Occurrence {
  start: number;
  end: number;
  name: string;
  /** The string literal the placeholder sits in, or null outside one. */
  quote: Quote | null;
  /** The literal is the value of a regular-expression matcher. */
  regex: boolean;
}

export type ParsedTemplate = { ok: true; occurrences: Occurrence[] } | { ok: false; problem: string };

const PLACEHOLDER_AT = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/;

/** The placeholders in `query` and the string literal each one sits in; `problem` says what is wrong with it. */
export function parseTemplate(query: string): ParsedTemplate {
  const occurrences: Occurrence[] = [];
  let quote: Quote | null = null;
  let regex = false;
  let i = 0;
  while (i < query.length) {
    const ch = query[i] as string;
    if (ch === "{" && query[i + 1] === "{") {
      const match = PLACEHOLDER_AT.exec(query.slice(i));
      if (match) {
        occurrences.push({ start: i, end: i + match[0].length, name: match[1] as string, quote, regex: quote !== null && regex });
        i += match[0].length;
        continue;
      }
    }
    if (quote === null) {
      if (ch === "#") {
        const newline = query.indexOf("\n", i);
        i = newline === -1 ? query.length : newline + 1;
        continue;
      }
      if (ch === '"' || ch === "'" || ch === "`") {
        quote = ch;
        regex = /[=!]~\s*$/.test(query.slice(0, i));
      }
    } else if (ch === "\\" && quote !== "`") {
      i += 1;
    } else if (ch === quote) {
      quote = null;
    }
    i += 1;
  }
  if (quote !== null) return { ok: false, problem: `has an unterminated ${quote} string` };
  const unknown = occurrences.find((o) => !(PLACEHOLDERS as readonly string[]).includes(o.name));
  if (unknown) return { ok: false, problem: `{{${unknown.name}}} is not a placeholder; use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(" or ")}` };
  const bare = occurrences.find((o) => o.quote === null);
  if (bare) return { ok: false, problem: `{{${bare.name}}} must sit inside a quoted label value, e.g. {${bare.name}="{{${bare.name}}}"}` };
  if (!occurrences.some((o) => o.name === "version")) {
    return { ok: false, problem: 'must contain {{version}}, so that each version reads its own series, e.g. {version="{{version}}"}' };
  }
  return { ok: true, occurrences };
}

/** RE2's QuoteMeta: the value as a regular expression that matches exactly it. */
const quoteRegex = (value: string) => value.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");

/** `value` as the inside of a PromQL string opened with `quote`; null when it cannot be written there. */
function escapeForString(value: string, quote: Quote): string | null {
  // A raw string has no escapes, so a backtick cannot appear in one.
  if (quote === "`") return value.includes("`") ? null : value;
  let out = "";
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

/**
 * The query with every placeholder replaced by its escaped value. Throws with a message for
 * people when the template is invalid or a value cannot be written where its placeholder sits.
 */
export function expandTemplate(query: string, values: PlaceholderValues): string {
  const parsed = parseTemplate(query);
  if (!parsed.ok) throw new Error(`the query ${parsed.problem}`);
  let out = "";
  let at = 0;
  for (const o of parsed.occurrences) {
    const raw = values[o.name as Placeholder];
    const escaped = escapeForString(o.regex ? quoteRegex(raw) : raw, o.quote as Quote);
    if (escaped === null) throw new Error(`{{${o.name}}} = ${JSON.stringify(raw)} cannot be written inside a \`raw\` string; use double quotes`);
    out += query.slice(at, o.start) + escaped;
    at = o.end;
  }
  return out + query.slice(at);
}

/** A series' labels as PromQL writes them, e.g. `{pod="a", version="v2"}`. */
export function formatLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(", ")}}`;
}
