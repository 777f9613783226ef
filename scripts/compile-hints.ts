// `npm run build` runs this after `next build` (as `npm start` does): see lib/platform/compile-hints.ts.
import path from "node:path";
import { addCompileHints } from "@/lib/platform/compile-hints";
import { projectRoot } from "@/lib/platform/local-database";

const files = await addCompileHints(path.join(projectRoot, process.env.NEXT_DIST_DIR || ".next"));
console.log(`[reversegate] compile hints on ${files.length} start-up scripts`);
