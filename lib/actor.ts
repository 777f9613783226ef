import type { ActorType, Role } from "@prisma/client";

/** Who is doing something: a signed-in person, an API token, or the system itself. */
export type Actor = {
  type: ActorType;
  id: string | null;
  /** How the audit log names the actor: an email, `token:NAME` (`token:NAME (cli)` for a
   * token made by the CLI, which acts for no person), or `reversegate`. */
  label: string;
  /** How the actor names itself: a person's name or a token's name. */
  name: string;
  role: Role;
  /** The person behind the actor, when there is one: a token acts for the user who created it. */
  userId: string | null;
};

export const SYSTEM_ACTOR: Actor = { type: "SYSTEM", id: null, label: "reversegate", name: "Reversegate", role: "ADMIN", userId: null };
