"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import type { ActionResult } from "@/lib/actions/guarded-action";

/**
 * Submits a form through a guarded server action: the form's fields become the action's input,
 * a success resets the form and hands the result on, a refusal shows the action's message.
 */
export function useFormAction<TData>(
  action: (input: unknown) => Promise<ActionResult<TData>>,
  options: { toInput?: (data: FormData) => unknown; onSuccess: (data: TData) => void },
) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const input = options.toInput ? options.toInput(data) : Object.fromEntries(data);
    startTransition(async () => {
      const result = await action(input);
      if (result.ok) {
        setError(null);
        options.onSuccess(result.data);
        form.reset();
      } else {
        setError(result.error.message);
      }
    });
  }
  return { onSubmit, pending, error };
}

/** Runs one of a row's actions (enable, revoke, delete…), remembering its outcome for the row. */
export function useRowAction() {
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, startTransition] = useTransition();
  const run = (action: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      setSaved(false);
      const result = await action();
      setError(result.ok ? null : result.error.message);
      setSaved(result.ok);
    });
  return { run, pending, error, saved };
}

/**
 * Saves a settings form through a guarded server action, keeping what was typed: on success it
 * says `saved` and re-reads the page's data; on refusal it shows the action's message.
 */
export function useSaveForm(action: (input: unknown) => Promise<ActionResult<unknown>>, options: { toInput: (data: FormData) => unknown; saved: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = options.toInput(new FormData(event.currentTarget));
    startTransition(async () => {
      const result = await action(input);
      setMessage(result.ok ? { tone: "success", text: options.saved } : { tone: "error", text: result.error.message });
      if (result.ok) router.refresh();
    });
  }
  return { onSubmit, pending, message };
}
