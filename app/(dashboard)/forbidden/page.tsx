import { forbidPage } from "@/lib/auth/current-user";
import { parseRole } from "@/lib/auth/roles";

/** Older links (and bookmarks) to /forbidden?need=ROLE get the same 403 page. */
export default async function ForbiddenRoute({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const { need } = await searchParams;
  forbidPage(need ? parseRole(need) : null);
}
