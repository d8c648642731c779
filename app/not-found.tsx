import Link from "next/link";

/**
 * Any unknown address. Next's built-in page carries an inline <style> that the
 * Content-Security-Policy (nonces only) would refuse; this one uses the
 * stylesheet like every other page.
 */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-sm px-6 py-24 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        No such page.{" "}
        <Link href="/" className="underline">
          Back to the overview
        </Link>
      </p>
    </main>
  );
}
