import { IntentLink } from "@/components/ui/intent-link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { NavDisclosure } from "@/components/shell/nav-disclosure";
import { NavLinks } from "@/components/shell/nav-links";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { requirePageUser } from "@/lib/auth/current-user";
import { countAwaitingApproval } from "@/lib/rollbacks/rollback-views";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <NavDisclosure
          brand={
            <IntentLink className="brand" href="/deployments">
              <span aria-hidden="true">⟲</span> Reversegate
            </IntentLink>
          }
        >
          <NavLinks pendingApprovals={await countAwaitingApproval()} />
          <div className="sidebar-footer">
            <span data-testid="current-user">
              {user.name} <Badge tone="info">{user.role}</Badge>
            </span>
            <span className="small">{user.email}</span>
            <SignOutButton />
          </div>
        </NavDisclosure>
      </aside>
      <main className="main" id="main">
        {children}
      </main>
    </div>
  );
}
