import { DeploymentSkeleton } from "../deployment-skeleton";

export default function HistoryLoading() {
  return <DeploymentSkeleton label="Loading the deployment's history" />;
}
