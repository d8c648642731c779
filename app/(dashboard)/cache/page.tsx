import { CacheView } from "@/components/cache/CacheView";

export default function CachePage() {
  return <CacheView />;
}
