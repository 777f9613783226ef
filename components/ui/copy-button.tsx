"use client";

import { useState } from "react";

/** Copies `value` to the clipboard and says so where a screen reader hears it. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <>
      <button type="button" className="button copy-button" aria-label={label} title={label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="small muted">
        {state === "copied" ? "copied" : state === "failed" ? "copy failed: select the text instead" : ""}
      </span>
    </>
  );
}
