"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "Wrong user name or password.",
  SessionRequired: "Log in to see that page.",
  TooManyAttempts: "Too many failed logins. Wait a few minutes and try again.",
  Busy: "The server is busy with other logins. Try again in a moment.",
  Unavailable: "Redis is not reachable, so nobody can log in right now. Try again in a moment.",
  AccessDenied: "Access refused: this single sign-on account may not use Redrive.",
};

export function LoginForm(props: {
  callbackUrl: string;
  initialError: string | null;
  sso: boolean;
}) {
  const [error, setError] = useState(
    props.initialError ? (MESSAGES[props.initialError] ?? "Login failed.") : null,
  );
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const result = await signIn("credentials", {
      username: String(form.get("username") ?? ""),
      password: String(form.get("password") ?? ""),
      display: form.get("display") === "on" ? "true" : "false",
      redirect: false,
    }).catch(() => undefined);
    setBusy(false);
    if (result?.ok) window.location.assign(props.callbackUrl);
    else setError(MESSAGES[result?.error?.split(":")[0] ?? ""] ?? MESSAGES.CredentialsSignin!);
  }

  return (
    <form onSubmit={submit} className="mt-6 flex flex-col gap-3">
      <label className="flex flex-col gap-1 text-sm">
        User
        <input
          name="username"
          autoComplete="username"
          required
          className="rounded border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="rounded border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
        />
      </label>
      <label className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
        <input name="display" type="checkbox" />
        Read-only display (stays signed in for days; cannot change anything)
      </label>
      {error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="rounded bg-zinc-900 px-3 py-2 text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900"
      >
        {busy ? "Logging in…" : "Log in"}
      </button>
      {props.sso && (
        <button
          type="button"
          onClick={() => void signIn("oidc", { callbackUrl: props.callbackUrl })}
          className="rounded border border-zinc-300 px-3 py-2 dark:border-zinc-700"
        >
          Log in with single sign-on
        </button>
      )}
    </form>
  );
}
