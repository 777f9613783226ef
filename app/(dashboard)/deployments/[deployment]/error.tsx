"use client";

export default function DeploymentError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="alert error" role="alert">
      <h2>This deployment could not load</h2>
      <p>
        Its versions or history could not be read{error.digest ? ` (reference ${error.digest})` : ""}. Nothing was changed; try again in a
        moment.
      </p>
      <button className="button" type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
