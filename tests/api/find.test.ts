import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

/** GET /api/admin/find over HTTP: who may search what, and what a masked reader is told. */
const app = useApp({ REDRIVE_REDACT: "user.email,filename" }, { users: ["team:viewer:document"] });

interface Step {
  found: { queue: string; place: string; index: number; dlq?: { raw: string } }[];
  next: string | null;
  masked: boolean;
  queues: string[];
  at: { queue: string; place: string; offset: number; length: number } | null;
}

async function find(user: string, query: string): Promise<{ status: number; body: Step }> {
  const cookie = await app.login(user);
  const res = await app.call(`/api/admin/find?${query}`, { cookie });
  return { status: res.status, body: (await res.json()) as Step };
}

/** Every step of a search, as the Find page runs it. */
async function findAll(user: string, query: string): Promise<Step["found"]> {
  const found: Step["found"] = [];
  let cursor = "";
  for (;;) {
    const { status, body } = await find(user, `${query}${cursor}`);
    expect(status).toBe(200);
    found.push(...body.found);
    if (!body.next) return found;
    cursor = `&cursor=${encodeURIComponent(body.next)}`;
  }
}

const job = '{"job_id":"j-1","filename":"secret.pdf","user":{"email":"a@b.c"}}';

describe("GET /api/admin/find", () => {
  it("should find a job for an admin and a viewer, the viewer's copy masked", async () => {
    await app.redis.lpush(qk("video_queue"), job);
    await app.redis.lpush(
      qk("document_dlq"),
      toDlqEntry(Buffer.from(job), {
        error: { type: "E", message: "m" },
        retryCount: 1,
        failedAt: new Date(),
        originalQueue: "document",
      }),
    );
    const admin = await findAll("admin", "value=j-1");
    expect(admin.map((f) => `${f.queue}/${f.place}`).sort()).toEqual([
      "document/dlq",
      "video/work",
    ]);
    const viewer = await findAll("viewer", "value=j-1");
    expect(viewer).toHaveLength(2);
    expect(JSON.stringify(viewer)).not.toContain("secret.pdf");
    expect(JSON.stringify(viewer)).not.toContain("a@b.c");
  });

  it("should tell a masked reader that a masked field finds nothing, and confirm no masked value", async () => {
    await app.redis.lpush(qk("document_queue"), job);
    const byMasked = await find("viewer", "field=filename&value=secret.pdf");
    expect(byMasked.body.masked).toBe(true);
    expect(await findAll("viewer", "field=filename&value=secret.pdf")).toEqual([]);
    expect(await findAll("viewer", "field=email&value=a%40b.c")).toEqual([]);
    // More than a step's 20 matches, all masked: the step goes on to the end as if none matched,
    // so where it stops tells a viewer nothing either.
    await app.redis.lpush(qk("audio_dlq"), ...Array.from({ length: 25 }, () => job));
    const masked = await find("viewer", "field=email&value=a%40b.c");
    expect(masked.body).toMatchObject({ found: [], next: null });
    // An admin sees every one: the document entry and the 25 in audio.
    expect(await findAll("admin", "field=email&value=a%40b.c")).toHaveLength(26);
  });

  it("should search only the queues a user sees", async () => {
    await app.redis.lpush(qk("video_queue"), job);
    await app.redis.lpush(qk("document_queue"), job);
    const team = await findAll("team", "value=j-1");
    expect(team.map((f) => f.queue)).toEqual(["document"]);
    const outside = await find("team", "value=j-1&queue=video");
    expect(outside.status).toBe(404);
  });

  it("should refuse a bad field, value or cursor with 400", async () => {
    expect((await find("admin", "field=a%20b&value=x")).status).toBe(400);
    expect((await find("admin", "field=job_id")).status).toBe(400);
    expect((await find("admin", `value=${"x".repeat(200)}`)).status).toBe(400);
    const bad = await find("admin", "value=x&cursor=nope:work:0");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: "INVALID_CURSOR" } });
    const other = await find("admin", "value=x&queue=audio&cursor=video:work:0");
    expect(other.status).toBe(400);
  });
});
