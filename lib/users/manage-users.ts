import "server-only";
import type { Role } from "@prisma/client";
import { Prisma } from "@prisma/client";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { AppError, conflict, notFound } from "@/lib/errors";
import { runMutation, type MutationContext } from "@/lib/mutation";
import type { CreateUserInput } from "./schemas";

const publicFields = { id: true, email: true, name: true, role: true, disabledAt: true, createdAt: true } as const;

export const listUsers = () => db().user.findMany({ select: publicFields, orderBy: { email: "asc" } });

export async function createUser(ctx: MutationContext, input: CreateUserInput) {
  const passwordHash = await hashPassword(input.password);
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    try {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash },
        select: publicFields,
      });
      await audit({ action: "user.create", targetType: "user", targetId: user.id, after: user });
      return user;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw conflict(`email: a user with ${input.email} already exists`);
      }
      throw error;
    }
  });
}

async function lastAdminGuard(tx: Prisma.TransactionClient, userId: string) {
  const admins = await tx.user.count({ where: { role: "ADMIN", disabledAt: null, id: { not: userId } } });
  if (admins === 0) throw new AppError("CONFLICT", "this is the last active ADMIN; make someone else ADMIN first");
}

export function changeUserRole(ctx: MutationContext, userId: string, role: Role) {
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: publicFields });
    if (!before) throw notFound("user");
    if (before.role === role) return before;
    if (before.role === "ADMIN") await lastAdminGuard(tx, userId);
    const after = await tx.user.update({ where: { id: userId }, data: { role }, select: publicFields });
    await audit({ action: "user.change_role", targetType: "user", targetId: userId, before: { role: before.role }, after: { role } });
    return after;
  });
}

export function setUserDisabled(ctx: MutationContext, userId: string, disabled: boolean) {
  return runMutation(ctx, "ADMIN", async ({ tx, audit }) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: publicFields });
    if (!before) throw notFound("user");
    if (disabled && userId === ctx.actor.userId) throw new AppError("CONFLICT", "you cannot disable your own account");
    if (disabled && before.role === "ADMIN") await lastAdminGuard(tx, userId);
    const after = await tx.user.update({
      where: { id: userId },
      data: { disabledAt: disabled ? (before.disabledAt ?? new Date()) : null },
      select: publicFields,
    });
    await audit({
      action: disabled ? "user.disable" : "user.enable",
      targetType: "user",
      targetId: userId,
      before: { disabledAt: before.disabledAt },
      after: { disabledAt: after.disabledAt },
    });
    return after;
  });
}
