import "server-only";
import pg from "pg";

const FIRST_RETRY_MS = 250;
const LONGEST_RETRY_MS = 5_000;

/**
 * LISTENs on `channel` on a connection of its own and calls `onWake` for each notification. When
 * the database drops the connection (a restart), it reconnects with backoff and calls `onWake`
 * once more, for whatever was sent while it was away. Only a speed-up: behind a
 * transaction-pooling PgBouncer notifications never arrive, and the workers' polling still works.
 */
export async function listenForWakeUps(options: {
  connectionString: string;
  channel: string;
  onWake: () => void;
  log: (line: string) => void;
}): Promise<{ stop: () => Promise<void> }> {
  let stopped = false;
  let current: pg.Client | null = null;
  let retryMs = FIRST_RETRY_MS;
  let announcedOutage = false;
  let timer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: options.connectionString, application_name: "reversegate-wake-ups" });
    // Reported through 'end' below; an unhandled 'error' would take the process down.
    client.on("error", () => {});
    client.on("notification", options.onWake);
    try {
      await client.connect();
      await client.query(`LISTEN ${options.channel}`);
    } catch (error) {
      client.end().catch(() => {});
      if (!announcedOutage) options.log(`wake-up listener cannot connect (${error instanceof Error ? error.message : String(error)}); retrying, polling meanwhile`);
      announcedOutage = true;
      return retryLater();
    }
    if (stopped) return void (await client.end());
    current = client;
    if (announcedOutage) {
      options.log("wake-up listener reconnected");
      options.onWake();
    }
    announcedOutage = false;
    retryMs = FIRST_RETRY_MS;
    client.once("end", () => {
      current = null;
      if (stopped) return;
      options.log("wake-up listener lost its connection; reconnecting");
      announcedOutage = true;
      retryLater();
    });
  };
  const retryLater = () => {
    if (stopped) return;
    timer = setTimeout(() => void connect(), retryMs);
    timer.unref();
    retryMs = Math.min(LONGEST_RETRY_MS, retryMs * 2);
  };

  await connect();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current?.end().catch(() => {});
    },
  };
}
