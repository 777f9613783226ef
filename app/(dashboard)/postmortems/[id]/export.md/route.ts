import { apiRoute } from "@/lib/api/route";
import { getPostmortem, postmortemToDocument } from "@/lib/postmortems/get-postmortem";
import { postmortemToMarkdown } from "@/lib/postmortems/markdown";

/** The postmortem as a Markdown file, for the incident archive or a pull request. */
export const GET = apiRoute<undefined, { id: string }>({ role: "VIEWER" }, async ({ params }) => {
  const pm = await getPostmortem(params.id);
  const filename = `postmortem-${pm.deployment}-${pm.badVersion}-${pm.id}.md`.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(postmortemToMarkdown(postmortemToDocument(pm)), {
    headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${filename}"` },
  });
});
