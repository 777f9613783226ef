import { getCurrentUser } from "@/lib/auth/current-user";
import { AppError, toErrorResponse } from "@/lib/errors";
import { newRequestId } from "@/lib/mutation";
import { getPostmortem, postmortemToDocument } from "@/lib/postmortems/get-postmortem";
import { postmortemToMarkdown } from "@/lib/postmortems/markdown";

/** The postmortem as a Markdown file, for the incident archive or a pull request. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const requestId = newRequestId();
  try {
    if (!(await getCurrentUser())) throw new AppError("UNAUTHENTICATED", "sign in to export a postmortem");
    const { id } = await params;
    const pm = await getPostmortem(id);
    const filename = `postmortem-${pm.deployment}-${pm.badVersion}-${pm.id}.md`.replace(/[^A-Za-z0-9._-]/g, "_");
    return new Response(postmortemToMarkdown(postmortemToDocument(pm)), {
      headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "x-request-id": requestId },
    });
  } catch (error) {
    const { status, body } = toErrorResponse(error, requestId);
    return Response.json({ ...body, requestId }, { status });
  }
}
