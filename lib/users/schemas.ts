import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";

export const roleSchema = z.enum(ROLES, { message: "role must be one of VIEWER, OPERATOR, APPROVER, ADMIN" });

export const createUserInput = z.object({
  email: z.email({ message: "email must be an email address" }).trim().toLowerCase().max(320),
  name: z.string().trim().min(1, "name is required").max(120),
  role: roleSchema,
  password: z.string().min(12, "password must be at least 12 characters").max(1024),
});
export type CreateUserInput = z.infer<typeof createUserInput>;

export const changeRoleInput = z.object({ userId: z.string().min(1), role: roleSchema });
export const setUserDisabledInput = z.object({ userId: z.string().min(1), disabled: z.boolean() });

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "name is required").max(80),
  role: roleSchema,
});
