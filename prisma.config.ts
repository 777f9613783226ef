import { PrismaPg } from "@prisma/adapter-pg";
import { parse } from "pg-connection-string";
import { defineConfig } from "prisma/config";

// The JavaScript schema engine: Prisma's native engines are downloaded at first use, which
// fails on machines that reach only the npm registry.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  engine: "js",
  experimental: { adapter: true },
  adapter: async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: run through `npm start`, or set it.");
    return new PrismaPg(parse(url) as ConstructorParameters<typeof PrismaPg>[0]);
  },
});
