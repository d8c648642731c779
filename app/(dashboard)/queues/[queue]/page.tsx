import { notFound } from "next/navigation";
import { QueueView } from "@/components/queue/QueueView";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

export default async function QueuePage({ params }: { params: Promise<{ queue: string }> }) {
  const { queue } = await params;
  if (!getConfig().QUEUES.includes(queue)) notFound();
  return <QueueView queue={queue} />;
}
