"use client";

import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function ModelError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="The registry could not load"
      what="This model's versions could not be read"
      reassurance="Nothing was changed; try again in a moment."
    />
  );
}
