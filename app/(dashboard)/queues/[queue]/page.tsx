import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { roleOn } from "@/lib/access";
import { pageUser } from "@/lib/http/page";
import { QueueView } from "@/components/queue/QueueView";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

export default async function QueuePage({ params }: { params: Promise<{ queue: string }> }) {
  const { queue } = await params;
  if (!getConfig().QUEUES.includes(queue)) notFound();
  // A queue the user has no grant on does not exist for them, as in the API.
  const user = await pageUser((await headers()).get("cookie"));
  if (!user || roleOn(user.grants, queue) === null) notFound();
  return <QueueView queue={queue} />;
}
