import type { ReactNode } from "react";

/** `page` when the empty state is the whole page (not found, forbidden): its title is the h1. */
export function EmptyState({ title, page = false, children }: { title: string; page?: boolean; children?: ReactNode }) {
  const Heading = page ? "h1" : "h2";
  return (
    <div className="empty" role="status">
      <Heading>{title}</Heading>
      {children ? <div>{children}</div> : null}
    </div>
  );
}
