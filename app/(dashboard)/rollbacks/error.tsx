"use client";

import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function RollbacksError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="Rollbacks could not load"
      what="Reversegate could not read the rollback records"
      reassurance="Nothing was changed; a rollback in flight keeps running in the worker."
    />
  );
}
