"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { useSaveForm } from "@/components/ui/use-action";
import { rehearseNowAction, updateRehearsalScheduleAction } from "@/lib/rehearsals/actions";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function RehearseNowButton({ deployment }: { deployment: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "error" | "success" | "warn"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  const onClick = () =>
    startTransition(async () => {
      const result = await rehearseNowAction({ deploymentSlug: deployment });
      if (!result.ok) setMessage({ tone: "error", text: result.error.message });
      else if (result.data.status === "REFUSED") setMessage({ tone: "warn", text: `Refused: ${result.data.reason}` });
      else setMessage({ tone: "success", text: "Rehearsal started." });
      router.refresh();
    });
  return (
    <div className="stack">
      <button className="button primary" type="button" onClick={onClick} disabled={pending} aria-label={`Rehearse ${deployment} now`}>
        {pending ? "Starting…" : "Rehearse now"}
      </button>
      {message ? (
        <p className={`alert ${message.tone}`} role={message.tone === "success" ? "status" : "alert"}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}

export function ScheduleForm({ deployment, enabled, weekday, hourUtc }: { deployment: string; enabled: boolean; weekday: number; hourUtc: number }) {
  const { onSubmit, pending, message } = useSaveForm(updateRehearsalScheduleAction, {
    toInput: (data) => ({
      deploymentSlug: deployment,
      enabled: data.get("enabled") === "on",
      weekday: Number(data.get("weekday")),
      hourUtc: Number(data.get("hourUtc")),
    }),
    saved: "Schedule saved.",
  });
  return (
    <form className="form-inline" onSubmit={onSubmit} aria-label={`Rehearsal schedule of ${deployment}`}>
      <label className="field">
        <span>
          <input type="checkbox" name="enabled" defaultChecked={enabled} /> Weekly
        </span>
      </label>
      <label className="field">
        Day
        <select className="input" name="weekday" defaultValue={weekday}>
          {WEEKDAYS.map((day, index) => (
            <option key={day} value={index}>
              {day}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Hour (UTC)
        <select className="input" name="hourUtc" defaultValue={hourUtc}>
          {Array.from({ length: 24 }, (_, h) => (
            <option key={h} value={h}>
              {String(h).padStart(2, "0")}:00
            </option>
          ))}
        </select>
      </label>
      <button className="button" type="submit" disabled={pending}>
        Save schedule
      </button>
      {message ? (
        <span className={`badge ${message.tone === "error" ? "bad" : "ok"}`} role={message.tone === "error" ? "alert" : "status"}>
          {message.text}
        </span>
      ) : null}
    </form>
  );
}

/** Re-reads the page while a rehearsal runs, so its outcome appears without a reload. */
export function RefreshWhileRunning({ running }: { running: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), 3_000);
    return () => clearInterval(timer);
  }, [running, router]);
  return null;
}
