"use client";

import { RouteError, type RouteErrorProps } from "@/components/ui/route-error";

export default function DeploymentError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This deployment could not load"
      what="Its versions or history could not be read"
      reassurance="Nothing was changed; try again in a moment."
    />
  );
}
