"use client";

import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function DashboardError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This page could not load"
      what="Reversegate could not read what this page needs"
      reassurance="The data is safe; the database or a service may be briefly unreachable."
    />
  );
}
