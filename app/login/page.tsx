import { LoginForm } from "@/components/LoginForm";
import { isOidcConfigured } from "@/lib/auth/oidc";
import { safeCallbackPath } from "@/lib/auth/redirect";

export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const { callbackUrl, error } = await searchParams;
  const safeCallback = safeCallbackPath(callbackUrl);
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center px-6">
      <h1 className="text-2xl font-semibold">Redrive</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        Log in to manage queues and caches.
      </p>
      <LoginForm callbackUrl={safeCallback} initialError={error ?? null} sso={isOidcConfigured()} />
    </main>
  );
}
