import type { Metadata } from "next";
import { AnalyticsView } from "@/components/analytics/analytics-view";
import { PageHeader } from "@/components/ui/page-header";
import { analyticsQuery, loadAnalytics } from "@/lib/analytics/load-analytics";
import { requirePageUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { RangeForm } from "./range-form";

export const metadata: Metadata = { title: "Analytics" };

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageUser("VIEWER");
  const parsed = analyticsQuery.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : analyticsQuery.parse({});
  const [data, deployments] = await Promise.all([loadAnalytics(query), db().deployment.findMany({ select: { slug: true }, orderBy: { slug: "asc" } })]);
  return (
    <>
      <PageHeader title="Analytics" description="How fast regressions are caught and reversed, how often promotions fail, and whether the way back is rehearsed — across all deployments." />
      <RangeForm action="/analytics" period={query.period} days={query.days} deployments={deployments.map((d) => d.slug)} />
      <AnalyticsView data={data} />
    </>
  );
}
