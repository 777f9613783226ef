import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { newRequestId } from "@/lib/mutation";
import { makeDeployment, makeUser } from "@/lib/testing/factories";
import { requestRollback } from "./request-rollback";

const operator = async () => ({ actor: (await makeUser("OPERATOR")).actor, requestId: newRequestId() });

describe("requestRollback", () => {
  it("opens one operation from live to prior, awaiting approval, with its ramp steps planned", async () => {
    const { deployment } = await makeDeployment({ versions: ["v12", "v13", "v14"] });
    const ctx = await operator();
    const result = await requestRollback(ctx, { deploymentSlug: deployment.slug, mode: "ramp", reason: "canary below floor", origin: "manual" });
    expect(result).toMatchObject({ status: "AWAITING_APPROVAL", replayed: false });
    const operation = await db().rollbackOperation.findUniqueOrThrow({
      where: { id: result.id },
      include: { steps: { orderBy: { position: "asc" } }, deployment: true },
    });
    const versions = await db().modelVersion.findMany({ where: { id: { in: [operation.fromVersionId, operation.toVersionId] } } });
    const name = (id: number) => versions.find((v) => v.id === id)?.version;
    expect([name(operation.fromVersionId), name(operation.toVersionId)]).toEqual(["v14", "v13"]);
    expect(operation.steps.map((s) => s.name)).toEqual(["preflight", "restore_manifest", "pin_prior", "shift_traffic", "shift_traffic", "invalidate_consumers", "verify"]);
    expect(operation.steps.filter((s) => s.name === "shift_traffic").map((s) => (s.params as { percent: number }).percent)).toEqual([10, 100]);
    expect(await db().auditEvent.count({ where: { requestId: ctx.requestId, action: "rollback.requested", targetId: result.id } })).toBe(1);
  });

  it("lets exactly one of 50 concurrent requests through and refuses the rest with 409", async () => {
    const { deployment } = await makeDeployment();
    const ctx = await operator();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => requestRollback(ctx, { deploymentSlug: deployment.slug, mode: "instant", reason: "race", origin: "manual" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(r.reason).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already in flight") });
    expect(await db().rollbackOperation.count({ where: { deploymentId: deployment.id } })).toBe(1);
  });

  it("returns the same operation for the same idempotency key, even concurrently", async () => {
    const { deployment } = await makeDeployment();
    const ctx = await operator();
    const input = { deploymentSlug: deployment.slug, mode: "instant" as const, reason: "retry-safe", origin: "manual" as const, idempotencyKey: "k-1" };
    const results = await Promise.all(Array.from({ length: 10 }, () => requestRollback(ctx, input)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await db().rollbackOperation.count({ where: { deploymentId: deployment.id } })).toBe(1);
  });

  it.each([
    ["no prior pinned version", { versions: ["v1"], live: "v1", prior: null }, "no prior pinned version to roll back to"],
    ["a frozen deployment", { state: "FROZEN" as const }, "frozen"],
    ["a prior that was itself rolled back", { versions: ["v12", "v13", "v14"], prior: "v13", rolledBack: ["v13"] }, "v13"],
  ])("refuses %s with 409 and changes nothing", async (_label, options, message) => {
    const { deployment } = await makeDeployment(options);
    const before = await db().deployment.findUniqueOrThrow({ where: { id: deployment.id } });
    await expect(
      requestRollback(await operator(), { deploymentSlug: deployment.slug, mode: "instant", reason: "x", origin: "manual" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(message) });
    expect(await db().rollbackOperation.count({ where: { deploymentId: deployment.id } })).toBe(0);
    expect(await db().deployment.findUniqueOrThrow({ where: { id: deployment.id } })).toEqual(before);
  });

  it("refuses a prior version purged from the registry", async () => {
    const { deployment, versions } = await makeDeployment();
    await db().modelVersion.update({ where: { id: versions[0]!.id }, data: { purgedAt: new Date() } });
    await expect(
      requestRollback(await operator(), { deploymentSlug: deployment.slug, mode: "instant", reason: "x", origin: "manual" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("purged") });
  });

  it("refuses a VIEWER", async () => {
    const { deployment } = await makeDeployment();
    const { actor } = await makeUser("VIEWER");
    await expect(
      requestRollback({ actor, requestId: newRequestId() }, { deploymentSlug: deployment.slug, mode: "instant", reason: "x", origin: "manual" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
