const HEAD = 12;
const TAIL = 6;

/**
 * `sha256:7700f964b983…efd7ba`: enough of a digest to recognise and compare at a glance; the
 * whole value stays one click away (copy button) and in the page's text for screen readers.
 */
export function shortenDigest(value: string): string {
  const colon = value.indexOf(":");
  const prefix = colon > 0 && colon <= 10 ? value.slice(0, colon + 1) : "";
  const hash = value.slice(prefix.length);
  if (hash.length <= HEAD + TAIL + 4) return value;
  return `${prefix}${hash.slice(0, HEAD)}…${hash.slice(-TAIL)}`;
}
