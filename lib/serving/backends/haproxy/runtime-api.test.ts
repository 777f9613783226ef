import { describe, expect, it } from "vitest";
import { parseStatsSocket, splitOutputs } from "./runtime-api";

describe("parseStatsSocket", () => {
  it("reads the addresses haproxy.cfg's stats socket line takes", () => {
    expect(parseStatsSocket("/run/haproxy/admin.sock")).toEqual({ kind: "unix", path: "/run/haproxy/admin.sock", label: "/run/haproxy/admin.sock" });
    expect(parseStatsSocket("unix@/tmp/a.sock")).toMatchObject({ kind: "unix", path: "/tmp/a.sock" });
    expect(parseStatsSocket("ipv4@127.0.0.1:9999")).toEqual({ kind: "tcp", host: "127.0.0.1", port: 9999, label: "127.0.0.1:9999" });
    expect(parseStatsSocket("haproxy.internal:9999")).toMatchObject({ kind: "tcp", host: "haproxy.internal", port: 9999 });
    expect(parseStatsSocket("ipv6@[::1]:9999")).toEqual({ kind: "tcp", host: "::1", port: 9999, label: "[::1]:9999" });
  });

  it("refuses what is not a socket address", () => {
    for (const address of ["", "relative/admin.sock", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "http://127.0.0.1:9999"]) {
      expect(parseStatsSocket(address), address).toBeNull();
    }
  });
});

describe("splitOutputs", () => {
  it("splits a line of commands' answers at the empty line that ends each", () => {
    // HAProxy's answer to "set server …;set server …;show servers state b": two empty outputs, then the table.
    expect(splitOutputs("\n\n1\n# be_id be_name\n3 b\n\n", 3)).toEqual(["", "", "1\n# be_id be_name\n3 b"]);
    expect(splitOutputs("No such server.\n\n", 1)).toEqual(["No such server."]);
  });

  it("answers fewer outputs when the connection closed early", () => {
    expect(splitOutputs("\n", 2)).toEqual([""]);
  });
});
