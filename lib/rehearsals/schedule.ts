// The weekly rehearsal window, all in UTC. Weekdays follow JavaScript's getUTCDay: 0 is Sunday.

export interface RehearsalSchedule {
  readonly enabled: boolean;
  readonly weekday: number;
  readonly hourUtc: number;
}

export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Monday 00:00 UTC of the week holding `now`. */
export function startOfUtcWeek(now: Date): Date {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - ((now.getUTCDay() + 6) % 7) * DAY_MS);
}

/**
 * Due when the window is open now and nothing has been attempted this week; a refused attempt
 * counts, so a deployment under incident is not retried every few minutes of its window.
 */
export function isRehearsalDue(schedule: RehearsalSchedule, now: Date, lastAttemptAt: Date | null): boolean {
  if (!schedule.enabled) return false;
  if (now.getUTCDay() !== schedule.weekday || now.getUTCHours() !== schedule.hourUtc) return false;
  return lastAttemptAt === null || lastAttemptAt.getTime() < startOfUtcWeek(now).getTime();
}

/** The start of the next window at or after `now`; null when the schedule is off. */
export function nextRehearsalWindow(schedule: RehearsalSchedule, now: Date): Date | null {
  if (!schedule.enabled) return null;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = (schedule.weekday - now.getUTCDay() + 7) % 7;
  let start = today + days * DAY_MS + schedule.hourUtc * HOUR_MS;
  // Today's window counts while it is still open.
  if (start + HOUR_MS <= now.getTime()) start += 7 * DAY_MS;
  return new Date(start);
}

export function describeSchedule(schedule: RehearsalSchedule): string {
  if (!schedule.enabled) return "off";
  return `${WEEKDAY_NAMES[schedule.weekday] ?? `day ${schedule.weekday}`}s ${String(schedule.hourUtc).padStart(2, "0")}:00–${String((schedule.hourUtc + 1) % 24).padStart(2, "0")}:00 UTC`;
}
