"use client";

export type RouteErrorProps = { error: Error & { digest?: string }; reset: () => void };

/** What an error boundary shows: what could not load, that nothing changed, and a retry. */
export function RouteError({ title, what, reassurance, error, reset }: RouteErrorProps & { title: string; what: string; reassurance: string }) {
  return (
    <div className="alert error" role="alert">
      <h2>{title}</h2>
      <p>
        {what}
        {error.digest ? ` (reference ${error.digest})` : ""}. {reassurance}
      </p>
      <button className="button" type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
