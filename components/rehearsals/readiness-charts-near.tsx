"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";
import { useNearScreen } from "@/components/ui/use-near-screen";
import type { ReadinessReport } from "@/lib/rehearsals/readiness-report-schema";

// The chart library is the largest script on the deployment page: loaded with the page, its
// evaluation blocked a phone's main thread for seconds, for charts that sit below the fold.
const ReadinessCharts = dynamic(() => import("./readiness-charts").then((m) => m.ReadinessCharts), {
  ssr: false,
  loading: () => <Skeleton height={140} />,
});

/** The readiness history charts, loaded once the reader scrolls near them. */
export function ReadinessChartsNearScreen({ report }: { report: ReadinessReport }) {
  const [ref, near] = useNearScreen();
  return <div ref={ref}>{near ? <ReadinessCharts report={report} /> : <Skeleton height={140} />}</div>;
}
