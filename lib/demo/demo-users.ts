import type { Role } from "@prisma/client";

/** The demo sign-ins printed by `npm start`; one account per role, two approvers for reviews. */
export const DEMO_PASSWORD = "reversegate-demo";

export const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: "viewer@reversegate.dev", name: "Vera Viewer", role: "VIEWER" },
  { email: "operator@reversegate.dev", name: "Omar Operator", role: "OPERATOR" },
  { email: "approver@reversegate.dev", name: "Ada Approver", role: "APPROVER" },
  { email: "approver2@reversegate.dev", name: "Abe Approver", role: "APPROVER" },
  { email: "admin@reversegate.dev", name: "Alex Admin", role: "ADMIN" },
];
