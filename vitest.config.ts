import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

// Unit tests sit beside the code (*.test.ts); integration tests (*.int.test.ts) need a real
// PostgreSQL, which the integration project's global setup provides as a throwaway database
// (migrated once; each file works on its own copy of it).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}/` },
      // `server-only` throws outside a React server bundle; tests are server code.
      { find: /^server-only$/, replacement: `${root}/lib/testing/server-only-stub.ts` },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
          // Vitest's default is one worker fewer than the cores: one, on a 2-core machine.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["lib/**/*.int.test.ts", "app/**/*.int.test.ts", "scripts/**/*.int.test.ts"],
          environment: "node",
          globalSetup: ["lib/testing/integration-global-setup.ts"],
          setupFiles: ["lib/testing/integration-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two files at a time, each on its own copy of the database (integration-setup.ts):
          // most of a file's time is waiting on timers, sockets and PostgreSQL, not on a core.
          maxWorkers: 2,
        },
      },
    ],
  },
});
