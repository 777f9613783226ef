// HAProxy's Runtime API (the "stats socket"), non-interactive mode: connect, send one line of
// commands separated by `;`, read until HAProxy closes the connection. Each command's output ends
// with an empty line (HAProxy guarantees no command prints one otherwise), so the outputs of a
// line of commands split apart reliably. Successful `set` commands print nothing; failures print
// plain text and there is no status code, so the caller decides what a non-empty answer means.
import { createConnection, type Socket } from "node:net";
import { ServingError } from "../../port";

export type StatsSocket = { kind: "unix"; path: string; label: string } | { kind: "tcp"; host: string; port: number; label: string };

/**
 * The address as haproxy.cfg writes it: `/run/haproxy/admin.sock`, `unix@/path`,
 * `ipv4@127.0.0.1:9999`, `ipv6@[::1]:9999` or `127.0.0.1:9999`. Null when it is none of these.
 */
export function parseStatsSocket(address: string): StatsSocket | null {
  const unix = /^(?:unix@)?(\/\S+)$/.exec(address);
  if (unix?.[1]) return { kind: "unix", path: unix[1], label: unix[1] };
  const tcp = /^(?:ipv4@|ipv6@)?(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  const host = tcp?.[1] ?? tcp?.[2];
  const port = Number(tcp?.[3]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65_535) return null;
  return { kind: "tcp", host, port, label: tcp?.[1] ? `[${host}]:${port}` : `${host}:${port}` };
}

/** Splits the answer to a line of commands into one output per command (lines without the terminating empty line). */
export function splitOutputs(answer: string, commands: number): string[] {
  const outputs: string[] = [];
  let current: string[] = [];
  // Only complete lines count: whatever follows the last newline was cut off.
  for (const line of answer.split("\n").slice(0, -1)) {
    if (outputs.length === commands) break;
    if (line === "") {
      outputs.push(current.join("\n"));
      current = [];
    } else {
      current.push(line);
    }
  }
  return outputs;
}

function failure(socket: StatsSocket, thrown: Error & { code?: string }, attempt: number): ServingError {
  // The root cause names the socket, so the step's failure reason says which socket did not answer.
  const cause = new Error(`HAProxy stats socket ${socket.label}: ${thrown.message}`);
  return new ServingError("unreachable", `HAProxy stats socket ${socket.label} unreachable (${thrown.code ?? thrown.message})`, { attempts: attempt, cause });
}

/**
 * Sends `commands` on one connection and answers their outputs in order. Connection failures are
 * `unreachable`, no complete answer in `timeoutMs` is `timeout` (both retryable).
 */
export function runCommands(socket: StatsSocket, commands: readonly string[], timeoutMs: number, attempt = 1): Promise<string[]> {
  if (commands.some((command) => /[;\\\n]/.test(command))) {
    return Promise.reject(new ServingError("rejected", `refusing to send a command with ';', '\\' or a newline to HAProxy: ${commands.join(" | ")}`));
  }
  return new Promise((resolve, reject) => {
    let answer = "";
    let settled = false;
    const connection: Socket = socket.kind === "unix" ? createConnection({ path: socket.path }) : createConnection({ host: socket.host, port: socket.port });
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.destroy();
      outcome();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new ServingError("timeout", `HAProxy stats socket ${socket.label} did not answer within ${timeoutMs} ms`, { attempts: attempt })),
        ),
      timeoutMs,
    );
    connection.setEncoding("utf8");
    connection.on("data", (chunk: string) => (answer += chunk));
    connection.on("error", (error) => settle(() => reject(failure(socket, error, attempt))));
    connection.on("end", () => {
      const outputs = splitOutputs(answer, commands.length);
      settle(() =>
        outputs.length === commands.length
          ? resolve(outputs)
          : reject(new ServingError("server_error", `HAProxy stats socket ${socket.label} closed after ${outputs.length} of ${commands.length} answers`, { attempts: attempt })),
      );
    });
    connection.on("connect", () => connection.write(`${commands.join(";")}\n`));
  });
}
