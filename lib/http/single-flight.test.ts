import { describe, expect, it } from "vitest";
import { singleFlight } from "./single-flight";

/** A promise the test settles by hand, counting how often its work was started. */
function gate<T>() {
  let settle!: { resolve: (value: T) => void; reject: (error: Error) => void };
  let started = 0;
  const promise = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
  return { work: () => (started++, promise), started: () => started, ...settle };
}

describe("singleFlight", () => {
  it("runs the work once for concurrent identical calls and gives each caller the answer", async () => {
    const run = singleFlight<string>();
    const g = gate<string>();
    const callers = Array.from({ length: 50 }, () => run("series:dep:accuracy:0:1:1000", g.work));
    g.resolve("one answer");
    expect(await Promise.all(callers)).toEqual(Array(50).fill("one answer"));
    expect(g.started()).toBe(1);
  });

  it("hands a failure to every waiter and keeps nothing: the next call runs again", async () => {
    const run = singleFlight<string>();
    const failing = gate<string>();
    const callers = [run("k", failing.work), run("k", failing.work), run("k", failing.work)];
    failing.reject(new Error("database restarting"));
    for (const result of await Promise.allSettled(callers)) expect(result).toMatchObject({ status: "rejected", reason: { message: "database restarting" } });
    expect(run.inFlight()).toBe(0);
    const retry = gate<string>();
    const again = run("k", retry.work);
    retry.resolve("recovered");
    expect(await again).toBe("recovered");
    expect(retry.started()).toBe(1);
  });

  it("does not share between different keys", async () => {
    const run = singleFlight<string>();
    const a = gate<string>();
    const b = gate<string>();
    const answers = Promise.all([run("series:dep:from=1", a.work), run("series:dep:from=2", b.work)]);
    a.resolve("first range");
    b.resolve("second range");
    expect(await answers).toEqual(["first range", "second range"]);
    expect([a.started(), b.started()]).toEqual([1, 1]);
  });

  it("starts a fresh run for a call made after the previous one settled", async () => {
    const run = singleFlight<number>();
    let runs = 0;
    const work = async () => ++runs;
    expect(await run("k", work)).toBe(1);
    expect(await run("k", work)).toBe(2);
  });
});
