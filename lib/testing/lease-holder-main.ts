// For tests: a process that takes a lease and holds it until it is killed, as a process that dies
// mid-work would. Prints `held <token>` (or `busy`) once it knows.
//   tsx --conditions=react-server lib/testing/lease-holder-main.ts KEY TTL_MS NOTE_JSON
import { acquireLease, newLeaseHolder } from "@/lib/platform/lease";

const [key, ttlMs, note] = process.argv.slice(2);
const attempt = await acquireLease(key ?? "", { holder: newLeaseHolder(), ttlMs: Number(ttlMs), note: JSON.parse(note ?? "{}") as Record<string, string> });
console.log(attempt.status === "acquired" ? `held ${attempt.lease.token}` : "busy");
// The lease renews on an unreferenced timer; this keeps the process alive until it is killed.
setInterval(() => {}, 60_000);
