import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { DashboardProvider } from "@/components/DashboardProvider";
import { Shell } from "@/components/Shell";
import { pageUser } from "@/lib/http/page";
import { getConfig } from "@/lib/config";
import { adminQueues, mayExport, roleEverywhere, visibleQueues } from "@/lib/access";
import { VERSION } from "@/lib/version";

export const dynamic = "force-dynamic";

/**
 * proxy.ts sends visitors without a session cookie to /login; this checks the
 * session itself (ended, idle, user removed) and reads who is here for the frame.
 */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await pageUser((await headers()).get("cookie"));
  if (!user) redirect("/login");
  // Only the queues the user has a grant on reach the browser (roles per queue).
  const config = getConfig();
  const queues = visibleQueues(config.QUEUES, user.grants);
  const everywhere = roleEverywhere(user.grants);
  const viewer = {
    name: user.name,
    role: user.role,
    display: user.display,
    everyQueue: everywhere !== null,
    adminEverywhere: everywhere === "admin",
    adminOf: adminQueues(queues, user.grants),
    canExport: mayExport(config.REDRIVE_EXPORTERS, user),
  };
  return (
    <DashboardProvider viewer={viewer} queues={queues} version={VERSION}>
      <Shell>{children}</Shell>
    </DashboardProvider>
  );
}
