import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { DashboardProvider } from "@/components/DashboardProvider";
import { Shell } from "@/components/Shell";
import { authOptions } from "@/lib/auth/options";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

/** proxy.ts sends visitors without a session to /login; this reads who is here for the frame. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(authOptions());
  if (!session?.user?.name) redirect("/login");
  return (
    <DashboardProvider
      viewer={{ name: session.user.name, role: session.user.role }}
      queues={getConfig().QUEUES}
    >
      <Shell>{children}</Shell>
    </DashboardProvider>
  );
}
