"use client";

import { IntentLink } from "@/components/ui/intent-link";
import { usePathname } from "next/navigation";
import { PendingApprovals } from "./pending-approvals";

const LINKS = [
  { href: "/deployments", label: "Deployments" },
  { href: "/models", label: "Models" },
  { href: "/rollbacks", label: "Rollbacks" },
  { href: "/postmortems", label: "Postmortems" },
  { href: "/rehearsals", label: "Rehearsals" },
  { href: "/analytics", label: "Analytics" },
  { href: "/audit", label: "Audit" },
  { href: "/settings", label: "Settings" },
];

/** The main navigation; the Rollbacks link carries the count of rollbacks awaiting approval. */
export function NavLinks({ pendingApprovals = 0 }: { pendingApprovals?: number }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {LINKS.map((link) => (
        <IntentLink key={link.href} href={link.href} aria-current={pathname.startsWith(link.href) ? "page" : undefined}>
          {link.label}
          {link.href === "/rollbacks" ? (
            <>
              {" "}
              <PendingApprovals initial={pendingApprovals} />
            </>
          ) : null}
        </IntentLink>
      ))}
    </nav>
  );
}
