import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { CacheView } from "@/components/cache/CacheView";
import { roleEverywhere } from "@/lib/access";
import { pageUser } from "@/lib/http/page";

/** The application's cache is every team's: a user of some queues only has no cache page. */
export default async function CachePage() {
  const user = await pageUser((await headers()).get("cookie"));
  if (!user || roleEverywhere(user.grants) === null) notFound();
  return <CacheView />;
}
