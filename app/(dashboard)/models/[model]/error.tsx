"use client";

export default function ModelError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="alert error" role="alert">
      <h2>The registry could not load</h2>
      <p>
        This model&apos;s versions could not be read{error.digest ? ` (reference ${error.digest})` : ""}. Nothing was changed; try again in a
        moment.
      </p>
      <button className="button" type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
