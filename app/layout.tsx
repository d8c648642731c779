import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Every page is rendered per request, so that each carries the nonce of its own
// Content-Security-Policy (a prerendered page's scripts would have none).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Redrive",
  description: "Dead-letter queues, retries and caches on Redis",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        {children}
      </body>
    </html>
  );
}
