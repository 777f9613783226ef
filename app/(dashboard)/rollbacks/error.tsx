"use client";

export default function RollbacksError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="alert error" role="alert">
      <h2>Rollbacks could not load</h2>
      <p>
        Reversegate could not read the rollback records{error.digest ? ` (reference ${error.digest})` : ""}. Nothing was changed; a rollback in flight keeps running in
        the worker.
      </p>
      <button className="button" type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
