import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type DragEvent } from "react";
import { ApiError } from "@/api/problem";
import { downloadFrom } from "@/lib/leaving";
import { Button } from "@/ui/primitives";
import { toast } from "@/ui/toast";
import {
  announce,
  attachmentKeys,
  complete,
  downloadUrl,
  listAttachments,
  removeAttachment,
  sendFile,
} from "./api";
import { humanSize } from "./format";

/** The server's own words (size, type, quota) when it refused; a short line otherwise. */
const failed = (what: string, error: unknown) =>
  toast.error(
    error instanceof ApiError && error.detail
      ? `${what}: ${error.detail}`
      : `${what} failed${error instanceof Error && error.message ? `: ${error.message}` : "."}`,
  );

type Upload = { key: string; name: string; progress: number };

/** Files of a saved task, under its editor: drop files (or pick them) to upload, with progress;
 * download and delete. Loaded lazily with the dialog's activity. A viewer (`readOnly`) only
 * downloads: the API refuses them the rest. */
export default function TaskAttachments({
  taskId,
  readOnly = false,
}: {
  taskId: string;
  readOnly?: boolean;
}) {
  const qc = useQueryClient();
  const key = attachmentKeys.list(taskId);
  const list = useQuery({ queryKey: key, queryFn: () => listAttachments(taskId) });
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // A mutation, so that leaving the page mid-upload asks first (app/OfflineStatus.tsx).
  const send = useMutation({
    mutationKey: attachmentKeys.upload(),
    mutationFn: async ({ file, progress }: { file: File; progress: (f: number) => void }) => {
      const made = await announce(taskId, file);
      await sendFile(made.upload, file, progress);
      await complete(taskId, made.attachment.id);
    },
  });
  const upload = async (file: File) => {
    const entry = {
      key: `${file.name}-${Date.now()}-${Math.random()}`,
      name: file.name,
      progress: 0,
    };
    setUploads((all) => [...all, entry]);
    const progress = (fraction: number) =>
      setUploads((all) => all.map((u) => (u.key === entry.key ? { ...u, progress: fraction } : u)));
    try {
      await send.mutateAsync({ file, progress });
    } catch (error) {
      failed(`Uploading ${file.name}`, error);
    } finally {
      setUploads((all) => all.filter((u) => u.key !== entry.key));
      void qc.invalidateQueries({ queryKey: key });
    }
  };
  const addFiles = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) void upload(file);
  };
  const remove = useMutation({
    mutationFn: (id: string) => removeAttachment(taskId, id),
    onError: (error) => failed("Deleting the file", error),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const download = async (id: string) => {
    try {
      downloadFrom(await downloadUrl(taskId, id));
    } catch (error) {
      failed("Downloading the file", error);
    }
  };
  const onDrop = (e: DragEvent<HTMLElement>) => {
    e.preventDefault();
    setOver(false);
    if (!readOnly) addFiles(e.dataTransfer.files);
  };
  const items = list.data?.items ?? [];
  return (
    <section
      aria-label="Attachments"
      className={`space-y-2 rounded-md border border-dashed p-3 ${
        over ? "border-brand-500 bg-brand-500/5" : "border-zinc-300 dark:border-zinc-700"
      }`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(!readOnly);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <div className="flex items-center justify-between">
        <h3 className="text-sm font-semibold">Attachments</h3>
        {!readOnly && (
          <>
            <Button size="sm" variant="secondary" onClick={() => input.current?.click()}>
              Attach files
            </Button>
            <input
              ref={input}
              type="file"
              multiple
              hidden
              aria-label="Choose files to attach"
              onChange={(e) => {
                addFiles(e.target.files);
                e.target.value = "";
              }}
            />
          </>
        )}
      </div>
      {items.length === 0 && uploads.length === 0 && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {readOnly ? "No files." : "Drop files here to attach them."}
        </p>
      )}
      <ul className="space-y-1 text-sm">
        {items.map((a) => (
          <li key={a.id} className="flex items-center gap-2" data-testid="attachment">
            <span className="min-w-0 flex-1 truncate">{a.filename}</span>
            <span className="text-xs text-zinc-600 dark:text-zinc-400">{humanSize(a.size)}</span>
            <Button
              size="sm"
              variant="secondary"
              aria-label={`Download ${a.filename}`}
              onClick={() => void download(a.id)}
            >
              Download
            </Button>
            {!readOnly && (
              <Button
                size="sm"
                variant="secondary"
                aria-label={`Delete ${a.filename}`}
                onClick={() => remove.mutate(a.id)}
              >
                Delete
              </Button>
            )}
          </li>
        ))}
        {uploads.map((u) => (
          <li key={u.key} className="flex items-center gap-2">
            <span className="min-w-0 flex-1 truncate">{u.name}</span>
            <progress
              aria-label={`Uploading ${u.name}`}
              max={100}
              value={Math.round(u.progress * 100)}
              className="w-24"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
