import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { DashboardProvider } from "@/components/DashboardProvider";
import { Shell } from "@/components/Shell";
import { pageUser } from "@/lib/http/page";
import { getConfig } from "@/lib/config";
import { VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

/**
 * proxy.ts sends visitors without a session cookie to /login; this checks the
 * session itself (ended, idle, user removed) and reads who is here for the frame.
 */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await pageUser((await headers()).get("cookie"));
  if (!user) redirect("/login");
  return (
    <DashboardProvider
      viewer={{ name: user.name, role: user.role, display: user.display }}
      queues={getConfig().QUEUES}
      version={VERSION}
    >
      <Shell>{children}</Shell>
    </DashboardProvider>
  );
}
