"use client";

import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function DetectionError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This detection could not load"
      what="Reversegate could not read this detection's record"
      reassurance="Nothing was changed; the canary evaluation keeps running in the worker."
    />
  );
}
