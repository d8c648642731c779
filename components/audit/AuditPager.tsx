import { Button } from "../ui";

export function AuditPager(props: {
  page: number;
  canNewer: boolean;
  canOlder: boolean;
  onNewer: () => void;
  onOlder: () => void;
  onNewest: () => void;
}) {
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center gap-2">
      {props.page > 2 && (
        <Button tone="ghost" onClick={props.onNewest}>
          Newest
        </Button>
      )}
      <Button onClick={props.onNewer} disabled={!props.canNewer}>
        <span aria-hidden="true">←</span>
        Newer
      </Button>
      <span className="px-1 text-sm text-zinc-600 tabular-nums dark:text-zinc-400">
        Page {props.page}
      </span>
      <Button onClick={props.onOlder} disabled={!props.canOlder}>
        Older
        <span aria-hidden="true">→</span>
      </Button>
    </nav>
  );
}
