/**
 * Shares one run of `work` among every caller that asks for the same key while it runs: the first
 * caller starts it, later ones wait for the same promise. Nothing is kept once it settles, so a
 * failure reaches every waiter and the next caller runs the work afresh.
 */
export function singleFlight<T>() {
  const flights = new Map<string, Promise<T>>();
  const run = (key: string, work: () => Promise<T>): Promise<T> => {
    const running = flights.get(key);
    if (running) return running;
    const flight = (async () => {
      try {
        return await work();
      } finally {
        flights.delete(key);
      }
    })();
    flights.set(key, flight);
    return flight;
  };
  return Object.assign(run, { inFlight: () => flights.size });
}
