import { AuditView } from "@/components/audit/AuditView";

export default function AuditPage() {
  return <AuditView />;
}
