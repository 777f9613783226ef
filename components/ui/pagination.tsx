import Link from "next/link";

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
        <Link className="button" href={hrefFor(page - 1)}>
          {labels[0]}
        </Link>
      ) : null}
      {page < pages ? (
        <Link className="button" href={hrefFor(page + 1)}>
          {labels[1]}
        </Link>
      ) : null}
    </nav>
  );
}
