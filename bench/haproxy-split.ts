// `npm run bench:haproxy-split`: the share of real requests that reach the prior version through a
// real HAProxy (Debian's haproxy 2.6) at each ramp stage the haproxy backend sets, REQUESTS
// requests per stage (default 2,000). No database: the backend's adapter moves the weights.
import { haproxyBackend } from "@/lib/serving/backends/haproxy";
import { HAPROXY_BACKEND, startHaproxy } from "@/lib/serving/backends/haproxy/haproxy-process";

const REQUESTS = Number(process.env.REQUESTS ?? 2_000);
const STAGES = [1, 5, 10, 25, 50, 75, 100];
const say = (line: string) => console.log(`[bench:haproxy-split] ${line}`);

async function main() {
  const haproxy = await startHaproxy({ v13: 0, v14: 100 });
  try {
    const serving = haproxyBackend.create(
      { socket: haproxy.tcpSocket, backend: HAPROXY_BACKEND },
      { secret: () => undefined, timeoutMs: 2_000, retries: 0, backoffMs: 0, inClusterKubernetesApi: undefined },
    );
    say(`${REQUESTS} requests per stage through HAProxy, prior v13 ramped against v14 (roundrobin)`);
    for (const percent of STAGES) {
      const weights = percent === 100 ? [{ version: "v13", percent }] : [{ version: "v13", percent }, { version: "v14", percent: 100 - percent }];
      const startedAt = performance.now();
      await serving.setTraffic("bench", { weights, expectedRevision: (await serving.getStatus("bench")).revision });
      const setMs = performance.now() - startedAt;
      const counts = await haproxy.split(REQUESTS);
      const share = ((counts.v13 ?? 0) / REQUESTS) * 100;
      say(`stage ${String(percent).padStart(3)}%: prior got ${share.toFixed(2)}% (${counts.v13 ?? 0}/${REQUESTS}), off by ${(share - percent).toFixed(2)} points; weights set and read back in ${setMs.toFixed(1)} ms`);
    }
  } finally {
    await haproxy.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
