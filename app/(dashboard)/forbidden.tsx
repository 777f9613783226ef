import { IntentLink } from "@/components/ui/intent-link";
import { EmptyState } from "@/components/ui/empty-state";
import { getCurrentUser, refusedPage } from "@/lib/auth/current-user";

/**
 * What a signed-in user sees, with a 403, on a page their role may not open. The status holds
 * only while the page renders outside a Suspense boundary, so role-guarded pages (settings) have
 * no loading.tsx above them: a streamed response has already sent its 200.
 */
export default async function Forbidden() {
  const user = await getCurrentUser();
  const { need } = refusedPage();
  return (
    <EmptyState page title="You do not have access to this page">
      <p>
        {need ? `It needs the ${need} role` : "Your role does not allow it"}
        {user ? `; you are ${/^[AEIOU]/.test(user.role) ? "an" : "a"} ${user.role}.` : "."} Ask an admin if you need it.
      </p>
      <IntentLink href="/deployments">Back to deployments</IntentLink>
    </EmptyState>
  );
}
