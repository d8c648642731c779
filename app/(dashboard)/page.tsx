import { headers } from "next/headers";
import { OverviewView } from "@/components/overview/OverviewView";
import { overviewForPage } from "@/lib/http/page";

/** The overview, rendered with its data when Redis answers in time (see overviewForPage). */
export default async function OverviewPage() {
  const initial = await overviewForPage((await headers()).get("cookie"));
  return <OverviewView initial={initial} />;
}
