// `show servers state <backend>` (format version 1, HAProxy 2.6 management guide, section 9.3):
// a version line, a `#`-prefixed header naming the columns, then one line per server. Columns are
// found by their header name, so a later HAProxy that appends columns still parses.

export interface ServerState {
  name: string;
  /** srv_op_state: 0 stopped (down), 1 starting, 2 running, 3 stopping. */
  operational: number;
  /** srv_admin_state: a mask of the MAINT and DRAIN flags below. */
  admin: number;
  /** srv_uweight: the weight in effect now (the runtime API changes this one). */
  weight: number;
  /** srv_iweight: the weight from haproxy.cfg, which a reload restores. */
  initialWeight: number;
}

export const OPERATIONAL_STOPPED = 0;
export const OPERATIONAL_RUNNING = 2;
// FMAINT, IMAINT, CMAINT, RMAINT: in maintenance for any reason; FDRAIN, IDRAIN: draining.
const MAINTENANCE = 0x01 | 0x02 | 0x04 | 0x20;
const DRAIN = 0x08 | 0x10;
/** Forced by the runtime API (`set server … state maint|drain`), so `state ready` undoes it. */
export const FORCED_OUT = 0x01 | 0x08;

/** Whether the load balancer sends this server new requests at all (its weight aside). */
export function inRotation(server: ServerState): boolean {
  return (server.admin & (MAINTENANCE | DRAIN)) === 0 && server.operational !== OPERATIONAL_STOPPED;
}

export function describeServer(server: ServerState): string {
  if (server.admin & MAINTENANCE) return `${server.name} in maintenance`;
  if (server.admin & DRAIN) return `${server.name} draining`;
  if (server.operational === OPERATIONAL_STOPPED) return `${server.name} down`;
  return `${server.name} weight ${server.weight}`;
}

const REQUIRED = ["srv_name", "srv_op_state", "srv_admin_state", "srv_uweight", "srv_iweight"] as const;

/** The servers of one backend, or an error message when the output is not the format expected. */
export function parseServersState(output: string): { servers: ServerState[] } | { error: string } {
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  if (lines[0]?.trim() !== "1") return { error: `unexpected answer to show servers state: ${lines[0]?.slice(0, 200) ?? "(nothing)"}` };
  const header = lines[1]?.startsWith("#") ? lines[1].slice(1).trim().split(/\s+/) : null;
  const index = Object.fromEntries(REQUIRED.map((column) => [column, header?.indexOf(column) ?? -1])) as Record<(typeof REQUIRED)[number], number>;
  const missing = REQUIRED.filter((column) => index[column] < 0);
  if (missing.length > 0) return { error: `show servers state has no ${missing.join(", ")} column` };
  const servers: ServerState[] = [];
  for (const line of lines.slice(2)) {
    if (line.startsWith("#")) continue;
    const fields = line.trim().split(/\s+/);
    const number = (column: (typeof REQUIRED)[number]) => Number(fields[index[column]]);
    const server = {
      name: fields[index.srv_name] ?? "",
      operational: number("srv_op_state"),
      admin: number("srv_admin_state"),
      weight: number("srv_uweight"),
      initialWeight: number("srv_iweight"),
    };
    if (server.name === "" || [server.operational, server.admin, server.weight, server.initialWeight].some((n) => !Number.isInteger(n))) {
      return { error: `unparsable server line in show servers state: ${line.slice(0, 200)}` };
    }
    servers.push(server);
  }
  return { servers };
}
