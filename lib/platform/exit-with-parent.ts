const PRELOAD = new URL("./exit-with-parent.cjs", import.meta.url).pathname;

/**
 * The environment for a child of this process (the launcher), with a preload that stops the
 * child, and any Node process it starts in turn, once the launcher is gone (exit-with-parent.cjs).
 */
export function withExitWithParent<Env extends Record<string, string | undefined>>(env: Env): Env & { NODE_OPTIONS: string; REVERSEGATE_LAUNCHER_PID: string } {
  const options = [env.NODE_OPTIONS, `--require ${JSON.stringify(PRELOAD)}`].filter(Boolean).join(" ");
  return { ...env, NODE_OPTIONS: options, REVERSEGATE_LAUNCHER_PID: String(process.pid) };
}
