"use client";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="alert error" role="alert">
      <h2>This page could not load</h2>
      <p>
        Reversegate could not read what this page needs{error.digest ? ` (reference ${error.digest})` : ""}. The data is
        safe; the database or a service may be briefly unreachable.
      </p>
      <button className="button" type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
