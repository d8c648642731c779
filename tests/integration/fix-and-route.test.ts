import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { applyEdit, applyEdits, diffMessages, editsOf } from "@/lib/queues/edit";
import { entryBySha1, previewGroup, previewSelection } from "@/lib/queues/edit-preview";
import { getErrorGroups, moveErrorGroup } from "@/lib/queues/errorGroups";
import { forRequeue } from "@/lib/queues/message";
import { moveItems } from "@/lib/queues/move-items";
import { useRedis } from "../helpers/redis";
import { allKeys, qk } from "../helpers/cluster-mode";

/** Fix then requeue, and route elsewhere: edits keep every other byte; moves to another queue. */
const r = useRedis();
const sha1Of = (b: Buffer | string) => createHash("sha1").update(b).digest("hex");

/** What the quick start's Python backend writes: json.dumps, escapes and big integers kept. */
const PYTHON =
  '{"id": "j-1", "job_id": "6b4c87a6", "filename": "report.pdff", "size": 12345678901234567890, "title": "caf\\u00e9", "options": {"language": "en"}, "retry_count": 3}';

async function dead(queue: string, messages: string[], error = "boom") {
  for (const m of messages) await r.engine.pushToDlq(queue, m, new Error(error), 3);
  return r.engine.getDlqMessages(queue);
}

const entryAt = async (queue: string, index: number) =>
  (await r.redis.lindexBuffer(qk(`${queue}_dlq`), index))!;

/** The admin's edit of the text the editor showed, as the route applies it. */
function editTo(text: string) {
  return (message: Buffer) =>
    applyEdits(message, editsOf(diffMessages(message, Buffer.from(text))!));
}

describe("fix, then requeue", () => {
  it("should requeue the edited message with every other byte as the backend wrote it, and leave no metadata hash behind", async () => {
    const [m] = await dead("document", [PYTHON]);
    const raw = await entryAt("document", m!.index);
    const shown = forRequeue(raw).toString();
    const edited = shown
      .replace('"report.pdff"', '"report.pdf"')
      .replace('"6b4c87a6"', '"6b4c87a7"');
    const target = { identity: m!.identity, index: m!.index, sha1: sha1Of(raw) };
    await r.engine.moveMany("document", [target], "requeue", { edit: editTo(edited) });
    expect(await r.redis.lrange(qk("document_queue"), 0, -1)).toEqual([
      PYTHON.replace('"report.pdff"', '"report.pdf"')
        .replace('"6b4c87a6"', '"6b4c87a7"')
        .replace('"retry_count": 3', '"retry_count": 0'),
    ]);
    // job_id was edited: the hash of the old name went with the requeue, and none was made under the new.
    expect(await allKeys(r.redis, "dlq:metadata:*")).toEqual([]);
  });

  it("should answer a conflict and write nothing when the entry changed since the editor opened", async () => {
    const [m] = await dead("document", ['{"id":"j","v":1}']);
    const raw = await entryAt("document", m!.index);
    const before = await r.redis.lrange(qk("document_dlq"), 0, -1);
    await expect(
      r.engine.moveFromDlq("document", m!.index, m!.identity, "requeue", {
        edit: editTo('{"id":"j","v":2}'),
      }),
    ).resolves.toBeUndefined();
    // The same identity, other bytes: the entry the editor opened (sha1) is gone.
    await dead("document", ['{"id":"k","v":1}']);
    const [k] = await r.engine.getDlqMessages("document");
    const stale = { identity: k!.identity, index: k!.index, sha1: sha1Of(raw) };
    const result = await r.engine.moveMany("document", [stale], "requeue", {
      edit: editTo('{"id":"k","v":9}'),
    });
    expect(result).toEqual({ moved: [], missing: ["id:k"], skipped: [] });
    expect(await r.redis.llen(qk("document_dlq"))).toBe(1);
    expect(before).toHaveLength(1);
  });

  it("should find the entry the editor opened where it moved, and nothing once its bytes changed", async () => {
    const [m] = await dead("video", ['{"id":"e","v":1}']);
    const raw = await entryAt("video", m!.index);
    await dead("video", ['{"id":"f"}']);
    const target = { identity: m!.identity, index: 0, sha1: sha1Of(raw) };
    expect((await entryBySha1(r.engine.ctx, "video", target))?.equals(raw)).toBe(true);
    expect(
      await entryBySha1(r.engine.ctx, "video", { ...target, sha1: sha1Of("other") }),
    ).toBeNull();
    expect(await entryBySha1(r.engine.ctx, "video", { ...target, identity: "id:gone" })).toBeNull();
  });

  it("should set one field in each selected message, and leave in the DLQ those it cannot apply to", async () => {
    const list = await dead("audio", [
      '{"id":"a","o":{"lang":"en"}}',
      '{"id":"b","o":"x"}',
      "not json",
    ]);
    const targets = list.map((m) => ({ identity: m.identity, index: m.index }));
    const edit = { path: ["o", "lang"], value: '"de"' };
    const preview = await previewSelection(r.engine.ctx, "audio", targets, (b) =>
      applyEdit(b, edit),
    );
    expect(preview).toMatchObject({
      total: 3,
      touched: 1,
      notApplicable: 2,
      unchanged: 0,
      moved: 0,
    });
    expect(preview.sample).toEqual([{ path: ["o", "lang"], before: '"en"', after: '"de"' }]);
    const result = await r.engine.moveMany("audio", targets, "requeue", {
      edit: (b) => applyEdit(b, edit),
    });
    expect(result.moved).toEqual(["id:a"]);
    expect(result.skipped).toHaveLength(2);
    expect(await r.redis.lrange(qk("audio_queue"), 0, -1)).toEqual([
      '{"id":"a","o":{"lang":"de"}}',
    ]);
    expect(await r.redis.llen(qk("audio_dlq"))).toBe(2);
  });
});

describe("route elsewhere", () => {
  it("should requeue a dead letter to another queue's work queue, or later to its retry set", async () => {
    const list = await dead("document", ['{"id":"now"}', '{"id":"later"}']);
    const now = list.find((m) => m.identity === "id:now")!;
    await r.engine.moveMany("document", [now], "requeue", { to: "video" });
    expect(await r.redis.lrange(qk("video_queue"), 0, -1)).toEqual(['{"id":"now"}']);
    const [later] = await r.engine.getDlqMessages("document");
    const at = r.clock.now + 600;
    await r.engine.moveMany("document", [later!], "requeue", { to: "video", at });
    expect(await r.redis.zrange(qk("video_retry"), "0", "-1", "WITHSCORES")).toEqual([
      '{"id":"later"}',
      String(at),
    ]);
    expect(await r.redis.llen(qk("document_dlq"))).toBe(0);
    expect(await r.redis.llen(qk("document_queue"))).toBe(0);
  });

  it("should route a whole error group, edited, to another queue, and preview how many it touches", async () => {
    await dead("document", ['{"id":"1","k":"a"}', '{"id":"2","k":"b"}'], "wrong pipeline");
    await dead("document", ['{"id":"3"}'], "other failure");
    const { groups } = await getErrorGroups(r.engine.ctx, "document");
    const group = groups.find((g) => g.example.includes("wrong pipeline"))!;
    const edit = { path: ["k"], value: '"b"' };
    const apply = (b: Buffer) => applyEdit(b, edit);
    const preview = await previewGroup(r.engine.ctx, "document", group.id, apply);
    expect(preview).toMatchObject({ total: 2, touched: 1, unchanged: 1 });
    const result = await moveErrorGroup(r.engine.ctx, "document", group.id, "requeue", {
      to: "audio",
      edit: apply,
    });
    expect(result.moved.sort()).toEqual(["id:1", "id:2"]);
    expect((await r.redis.lrange(qk("audio_queue"), 0, -1)).sort()).toEqual([
      '{"id":"1","k":"b"}',
      '{"id":"2","k":"b"}',
    ]);
    expect(await r.redis.llen(qk("document_dlq"))).toBe(1);
  });

  it("should write no copy to the other queue when the entry had already gone", async () => {
    await dead("document", ['{"id":"gone"}']);
    const raw = await entryAt("document", 0);
    await r.redis.del(qk("document_dlq"));
    const located = { identity: "id:gone", index: 0, raw };
    const step = await moveItems(
      r.engine.ctx,
      "document",
      "requeue",
      [{ l: located, push: forRequeue(raw) }],
      {
        to: "video",
      },
    );
    expect(step.moved).toEqual([]);
    expect(await r.redis.llen(qk("video_queue"))).toBe(0);
  });

  it("should route a message once when new failures shift it between the read and the move", async () => {
    await dead("document", ['{"id":"shift"}']);
    const raw = await entryAt("document", 0);
    // A failure arrives at the head: the entry read at 0 is now at 1.
    await dead("document", ['{"id":"newer"}']);
    const located = { identity: "id:shift", index: 0, raw };
    const step = await moveItems(
      r.engine.ctx,
      "document",
      "requeue",
      [{ l: located, push: forRequeue(raw) }],
      { to: "video" },
    );
    // One script call finds another entry at 0 and moves nothing (the caller looks again);
    // on a Cluster the copy's entry is removed by its bytes wherever it is. Never both.
    const copies = await r.redis.lrange(qk("video_queue"), 0, -1);
    expect(copies).toEqual(step.moved.length === 1 ? ['{"id":"shift"}'] : []);
    await r.engine.moveMany("document", [{ identity: "id:shift", index: 0 }], "requeue", {
      to: "video",
    });
    expect(await r.redis.lrange(qk("video_queue"), 0, -1)).toEqual(['{"id":"shift"}']);
    expect((await r.engine.getDlqMessages("document")).map((m) => m.identity)).toEqual([
      "id:newer",
    ]);
  });
});
