import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { lowerRole } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  await requirePageUser("ADMIN");
  const tokens = await db().apiToken.findMany({ orderBy: { createdAt: "desc" }, include: { createdBy: { select: { email: true, role: true } } } });
  return (
    <>
      <PageHeader
        title="API tokens"
        description={
          <>
            Pipelines call <code>/api/v1</code> with <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown once; only its hash is stored. A token acts
            for the person who created it: it never does more than its own role or that person&apos;s role today (demote them and their tokens follow), it stops
            when they are disabled, and for the two-person rule it is that person. From a shell: <code>npm run token -- create --name NAME --role ROLE</code>; such
            a token acts for no person, keeps its role, and cannot approve rollbacks.
          </>
        }
      />
      <section className="card">
        <h2>Create a token</h2>
        <CreateTokenForm />
      </section>
      {tokens.length === 0 ? (
        <EmptyState title="No API tokens yet">
          <p>Create one for each pipeline (promotion CI, metrics shipper) so the audit log names it.</p>
        </EmptyState>
      ) : (
        <TableWrap label="API tokens table">
          <table className="table" aria-label="API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>
                    {token.role}
                    {token.createdBy && lowerRole(token.role, token.createdBy.role) !== token.role ? (
                      <div className="small">acts as {token.createdBy.role}: its creator&apos;s role now</div>
                    ) : null}
                  </td>
                  <td className="mono">{token.prefix}…</td>
                  <td className="small"><Time value={token.createdAt} /> {token.createdBy ? `by ${token.createdBy.email}` : "by the CLI: acts for no person"}</td>
                  <td className="small"><Time value={token.lastUsedAt} /></td>
                  <td>{token.revokedAt ? <Badge tone="bad">revoked</Badge> : <RevokeTokenButton tokenId={token.id} name={token.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
