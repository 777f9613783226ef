import { prometheusSource } from "./prometheus";
import { pushSource } from "./push";
import { createMetricSourceRegistry } from "./source";

/** Every source a policy may read its metric from: a new one is its folder plus one line here. */
export const metricSources = createMetricSourceRegistry([pushSource, prometheusSource]);
