import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AnalyticsView } from "@/components/analytics/analytics-view";
import { PageHeader } from "@/components/ui/page-header";
import { analyticsQuery, loadAnalytics } from "@/lib/analytics/load-analytics";
import { requirePageUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { RangeForm } from "../range-form";

export const metadata: Metadata = { title: "Analytics" };

export default async function DeploymentAnalyticsPage({ params, searchParams }: { params: Promise<{ deployment: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageUser("VIEWER");
  const { deployment } = await params;
  const deployments = await db().deployment.findMany({ select: { slug: true }, orderBy: { slug: "asc" } });
  if (!deployments.some((d) => d.slug === deployment)) notFound();
  const parsed = analyticsQuery.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : analyticsQuery.parse({});
  const data = await loadAnalytics({ ...query, deployment });
  return (
    <>
      <PageHeader title={`Analytics: ${deployment}`} description="Time to detect and roll back, change failure rate, rehearsal pass rate and overdue action items for this deployment." />
      <RangeForm action={`/analytics/${deployment}`} period={query.period} days={query.days} deployments={deployments.map((d) => d.slug)} current={deployment} />
      <AnalyticsView data={data} deployment={deployment} />
    </>
  );
}
