import { describe, expect, it } from "vitest";
import { inRotation, parseServersState } from "./servers-state";

// Verbatim from Debian's haproxy 2.6.12 (`show servers state router`), v13 forced into maintenance.
const HEADER =
  "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port";
const OUTPUT = [
  "1",
  HEADER,
  "3 router 1 v13 127.0.0.1 0 1 10 0 0 1 0 0 0 0 0 0 - 19001 - 0 0 - - 0",
  "3 router 2 v14 127.0.0.1 2 0 90 100 4 1 0 2 0 0 0 0 - 19002 - 0 0 - - 0",
].join("\n");

describe("parseServersState", () => {
  it("reads each server's states and weights by the header's column names", () => {
    const parsed = parseServersState(OUTPUT);
    expect(parsed).toEqual({
      servers: [
        { name: "v13", operational: 0, admin: 1, weight: 10, initialWeight: 0 },
        { name: "v14", operational: 2, admin: 0, weight: 90, initialWeight: 100 },
      ],
    });
    if ("servers" in parsed) expect(parsed.servers.map(inRotation)).toEqual([false, true]);
  });

  it("finds the columns wherever a later format puts them", () => {
    const reordered = ["1", "# srv_uweight srv_name srv_admin_state srv_iweight srv_op_state", "7 a 8 1 2"].join("\n");
    expect(parseServersState(reordered)).toEqual({ servers: [{ name: "a", operational: 2, admin: 8, weight: 7, initialWeight: 1 }] });
  });

  it("says what is wrong with an answer it cannot read", () => {
    expect(parseServersState("Can't find backend.")).toEqual({ error: "unexpected answer to show servers state: Can't find backend." });
    expect(parseServersState("1\n# be_id srv_name")).toMatchObject({ error: expect.stringContaining("no srv_op_state") });
    expect(parseServersState(`1\n${HEADER}\n3 router 1 v13 127.0.0.1 x 0`)).toMatchObject({ error: expect.stringContaining("unparsable server line") });
  });
});
