import { DeploymentSkeleton } from "../deployment-skeleton";

export default function ReadinessLoading() {
  return <DeploymentSkeleton label="Loading rollback readiness" />;
}
