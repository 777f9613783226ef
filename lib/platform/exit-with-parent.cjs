// Preloaded into the processes `npm start` spawns (node --require, through NODE_OPTIONS): each
// stops itself when the launcher that started it is gone, so a launcher killed outright (SIGKILL,
// the OOM killer) leaves no next-server or serving simulator running as an orphan. SIGTERM lets
// the process shut down as it would on Ctrl-C. The launcher's pid comes from the environment, so
// grandchildren (tsx runs scripts in a child of its own) watch the launcher too, and a launcher
// that died before this ran is noticed as well.
const launcher = Number(process.env.REVERSEGATE_LAUNCHER_PID);
const launcherAlive = () => {
  try {
    process.kill(launcher, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
};
if (Number.isInteger(launcher) && launcher > 0) {
  setInterval(() => {
    if (!launcherAlive()) process.kill(process.pid, "SIGTERM");
  }, 500).unref();
}
