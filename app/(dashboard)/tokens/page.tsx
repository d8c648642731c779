import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { TokensView } from "@/components/tokens/TokensView";
import { roleEverywhere } from "@/lib/access";
import { pageUser } from "@/lib/http/page";

/** API tokens are made by admins of every queue: anyone else has no tokens page. */
export default async function TokensPage() {
  const user = await pageUser((await headers()).get("cookie"));
  if (!user || roleEverywhere(user.grants) !== "admin") notFound();
  return <TokensView />;
}
