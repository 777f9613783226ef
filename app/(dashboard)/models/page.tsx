import type { Metadata } from "next";
import { IntentLink } from "@/components/ui/intent-link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { listModels } from "@/lib/registry/list-models";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  await requirePageUser("VIEWER");
  const models = await listModels();
  const now = new Date();
  return (
    <>
      <PageHeader title="Models" description="Every registered model and its immutable pinned versions." />
      {models.length === 0 ? (
        <EmptyState title="No models registered">
          <p>
            Pipelines register versions with <code>POST /api/v1/models/&#123;model&#125;/versions</code>; the model is created with its first
            version.
          </p>
        </EmptyState>
      ) : (
        <TableWrap label="Models table">
          <table className="table" aria-label="Models">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Versions</th>
                <th scope="col">Latest registered</th>
                <th scope="col">Deployed as</th>
              </tr>
            </thead>
            <tbody>
              {models.map((model) => (
                <tr key={model.slug}>
                  <td>
                    <IntentLink href={`/models/${model.slug}`}>{model.slug}</IntentLink>
                    {model.description ? <div className="muted small">{model.description}</div> : null}
                  </td>
                  <td>{model.versionCount}</td>
                  <td className="small">
                    {model.latestVersion ? (
                      <>
                        <IntentLink href={`/models/${model.slug}/versions/${model.latestVersion.version}`}>{model.latestVersion.version}</IntentLink>{" "}
                        <Time value={model.latestVersion.registeredAt} now={now} />
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td className="small">
                    {model.deployments.length === 0 ? (
                      <span className="muted">not deployed</span>
                    ) : (
                      model.deployments.map((d) => (
                        <div key={d.slug}>
                          <IntentLink href={`/deployments/${d.slug}`}>{d.slug}</IntentLink> <span className="muted">live {d.liveVersion ?? "none"}</span>
                        </div>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
