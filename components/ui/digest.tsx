import { shortenDigest } from "@/lib/format-digest";
import { CopyButton } from "./copy-button";

/** A digest or other long identifier: shortened on screen, whole in the title, the text and the copy. */
export function Digest({ value, label }: { value: string; label: string }) {
  const short = shortenDigest(value);
  return (
    <span className="digest">
      {short === value ? (
        <code>{value}</code>
      ) : (
        <code title={value}>
          <span aria-hidden="true">{short}</span>
          <span className="sr-only">{value}</span>
        </code>
      )}
      <CopyButton value={value} label={`Copy ${label}`} />
    </span>
  );
}
