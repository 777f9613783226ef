import { IntentLink } from "@/components/ui/intent-link";

/** "N things · page P of Q" with links to the pages either side; the page lives in the URL. */
export function Pagination({
  total,
  noun,
  page,
  pages,
  hrefFor,
  labels = ["Previous", "Next"],
}: {
  total: number;
  noun: string;
  page: number;
  pages: number;
  hrefFor: (page: number) => string;
  labels?: [string, string];
}) {
  return (
    <nav className="pagination" aria-label="Pages">
      <span className="muted">
        {total} {noun} · page {page} of {pages}
      </span>
      {page > 1 ? (
        <IntentLink className="button" href={hrefFor(page - 1)}>
          {labels[0]}
        </IntentLink>
      ) : null}
      {page < pages ? (
        <IntentLink className="button" href={hrefFor(page + 1)}>
          {labels[1]}
        </IntentLink>
      ) : null}
    </nav>
  );
}
