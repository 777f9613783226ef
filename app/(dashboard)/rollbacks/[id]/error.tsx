"use client";

import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function RollbackError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This rollback could not load"
      what="Reversegate could not read this rollback's record"
      reassurance="Nothing was changed; a rollback in flight keeps running in the worker."
    />
  );
}
