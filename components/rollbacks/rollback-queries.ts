import { queryOptions } from "@tanstack/react-query";
import { polling } from "@/lib/polling";
import type { RollbackView } from "@/lib/rollbacks/rollback-views";

/** The dashboard's own calls to /api/v1 (signed in by the session cookie); errors carry the API's message. */
export async function callApi<T>(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  // The API takes changes made with the session cookie only as JSON, body or not.
  const response = await fetch(url, {
    method,
    headers: { ...(method === "GET" ? {} : { "content-type": "application/json" }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  const payload = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new Error(payload.message ?? `the server answered ${response.status}`);
  return payload as T;
}

export const rollbackKeys = {
  all: ["rollbacks"] as const,
  detail: (id: string) => ["rollbacks", id] as const,
};

/** Polls every second while the operation can still change and its page is visible, and stops once it is final. */
export const rollbackQueryOptions = (id: string, initialData?: RollbackView) =>
  queryOptions({
    queryKey: rollbackKeys.detail(id),
    queryFn: () => callApi<RollbackView>(`/api/v1/rollbacks/${encodeURIComponent(id)}`),
    initialData,
    ...polling<RollbackView>(1_000, (view) => view.terminal),
  });
