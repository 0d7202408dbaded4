import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { toast } from "sonner";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, mockApi, renderWith } from "@/test/utils";
import { humanSize } from "./format";
import TaskAttachments from "./TaskAttachments";

const TASK = "11111111-1111-4111-8111-111111111111";
const BASE = `/api/v1/tasks/${TASK}/attachments`;

function attachment(id: string, filename: string, size: number) {
  return {
    id,
    task_id: TASK,
    filename,
    content_type: "application/pdf",
    size,
    status: "ready",
    uploaded_by: null,
    created_at: "2026-12-02T08:00:00Z",
    completed_at: "2026-12-02T08:00:01Z",
  };
}

/** XMLHttpRequest as the store sees it: records the form, reports progress, answers when told. */
class FakeXhr {
  static sent: FakeXhr[] = [];
  method = "";
  url = "";
  status = 0;
  form: FormData | null = null;
  upload: { onprogress: ((e: Partial<ProgressEvent>) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(form: FormData) {
    this.form = form;
    FakeXhr.sent.push(this);
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  answer(status: number) {
    this.status = status;
    this.onload?.();
  }
}

beforeEach(() => {
  setAccessToken("token");
  FakeXhr.sent = [];
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});
afterEach(() => vi.unstubAllGlobals());

describe("attachments in the task dialog", () => {
  it("lists the task's files with their sizes", async () => {
    mockApi({
      [`GET ${BASE}`]: () =>
        json({ items: [attachment("a1", "plan.pdf", 2048)], used_bytes: 2048, quota_bytes: 1e9 }),
    });
    renderWith(<TaskAttachments taskId={TASK} />);
    const row = await screen.findByTestId("attachment");
    expect(row).toHaveTextContent("plan.pdf");
    expect(row).toHaveTextContent("2.0 KB");
    expect(humanSize(300)).toBe("300 B");
  });

  it("a dropped file is announced, posted with the form's fields first, with progress, then completed", async () => {
    let listed = 0;
    const { calls } = mockApi({
      [`GET ${BASE}`]: () => {
        listed += 1;
        const items = listed > 1 ? [attachment("a2", "notes.pdf", 5)] : [];
        return json({ items, used_bytes: 0, quota_bytes: 1e9 });
      },
      [`POST ${BASE}`]: () =>
        json(
          {
            attachment: { ...attachment("a2", "notes.pdf", 5), status: "pending" },
            upload: {
              url: "/api/v1/attachment-store/uploads",
              fields: { key: "attachments/a2", "Content-Type": "application/pdf", token: "t" },
              expires_at: "2026-12-02T08:10:00Z",
            },
          },
          201,
        ),
      [`POST ${BASE}/a2/complete`]: () => json(attachment("a2", "notes.pdf", 5)),
    });
    const { qc } = renderWith(<TaskAttachments taskId={TASK} />);
    const zone = await screen.findByRole("region", { name: "Attachments" });
    const file = new File(["%PDF-"], "notes.pdf", { type: "application/pdf" });
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    // On its way as a mutation: the page asks before it is left (app/OfflineStatus.tsx).
    await waitFor(() => expect(qc.isMutating({ mutationKey: ["attachments"] })).toBe(1));

    await waitFor(() => expect(FakeXhr.sent).toHaveLength(1));
    const xhr = FakeXhr.sent[0]!;
    const announced = calls.find((c) => c.method === "POST" && c.path === BASE);
    expect(JSON.parse(announced!.body)).toEqual({
      filename: "notes.pdf",
      content_type: "application/pdf",
      size: 5,
    });
    expect([xhr.method, xhr.url]).toEqual([
      "POST",
      `${location.origin}/api/v1/attachment-store/uploads`,
    ]);
    expect([...xhr.form!.keys()]).toEqual(["key", "Content-Type", "token", "file"]);
    expect(xhr.form!.get("file")).toBe(file);

    act(() => xhr.progress(50, 100));
    expect(screen.getByRole("progressbar", { name: "Uploading notes.pdf" })).toHaveValue(50);
    act(() => xhr.answer(204));

    expect(await screen.findByTestId("attachment")).toHaveTextContent("notes.pdf");
    expect(calls.some((c) => c.path === `${BASE}/a2/complete`)).toBe(true);
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(qc.isMutating()).toBe(0);
  });

  it("a refused file says why, in the server's words, and uploads nothing", async () => {
    mockApi({
      [`GET ${BASE}`]: () => json({ items: [], used_bytes: 0, quota_bytes: 1e9 }),
      [`POST ${BASE}`]: () =>
        json(
          {
            type: "attachment-type-refused",
            title: "Unsupported file type",
            status: 415,
            detail: "Files of type text/html cannot be attached.",
          },
          415,
        ),
    });
    renderWith(<TaskAttachments taskId={TASK} />);
    const input = await screen.findByLabelText("Choose files to attach");
    await userEvent.upload(input, new File(["<p>"], "page.html", { type: "text/html" }));
    await waitFor(() =>
      expect(toast.error).toHaveBeenCalledWith(
        "Uploading page.html: Files of type text/html cannot be attached.",
      ),
    );
    expect(FakeXhr.sent).toHaveLength(0);
  });

  it("Delete removes the file", async () => {
    let gone = false;
    const { calls } = mockApi({
      [`GET ${BASE}`]: () =>
        json({
          items: gone ? [] : [attachment("a3", "old.pdf", 10)],
          used_bytes: 0,
          quota_bytes: 1e9,
        }),
      [`DELETE ${BASE}/a3`]: () => {
        gone = true;
        return new Response(null, { status: 204 });
      },
    });
    renderWith(<TaskAttachments taskId={TASK} />);
    await userEvent.click(await screen.findByRole("button", { name: "Delete old.pdf" }));
    await waitFor(() => expect(screen.queryByTestId("attachment")).toBeNull());
    expect(calls.some((c) => c.method === "DELETE" && c.path === `${BASE}/a3`)).toBe(true);
  });
});
