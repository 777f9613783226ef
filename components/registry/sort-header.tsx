import { IntentLink } from "@/components/ui/intent-link";

/** A column header that sorts the table through the URL; a second click reverses the order. */
export function SortHeader({
  label,
  column,
  sort,
  order,
  href,
}: {
  label: string;
  column: string;
  sort: string;
  order: "asc" | "desc";
  href: (sort: string, order: "asc" | "desc") => string;
}) {
  const active = sort === column;
  const next = active && order === "asc" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={active ? (order === "asc" ? "ascending" : "descending") : undefined}>
      <IntentLink href={href(column, next)} aria-label={`Sort by ${label.toLowerCase()}, ${next === "asc" ? "ascending" : "descending"}`}>
        {label}
        {active ? <span aria-hidden="true">{order === "asc" ? " ▲" : " ▼"}</span> : null}
      </IntentLink>
    </th>
  );
}
