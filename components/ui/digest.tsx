import { shortenDigest } from "@/lib/format-digest";
import { CopyButton } from "./copy-button";

/**
 * A digest or other long identifier: shortened on screen, whole in the title, in the text for
 * screen readers and in the copy. A value short enough to read whole is shown as it is.
 */
export function Digest({ value, label }: { value: string; label: string }) {
  const short = shortenDigest(value);
  if (short === value) return <code>{value}</code>;
  return (
    <span className="digest">
      <code title={value}>
        <span aria-hidden="true">{short}</span>
        <span className="sr-only">{value}</span>
      </code>
      <CopyButton value={value} label={`Copy ${label}`} />
    </span>
  );
}
