import { api, dataOf, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { apiOrigin } from "@/api/session";

type S = components["schemas"];
export type Attachment = S["AttachmentPublic"];
export type AttachmentList = S["AttachmentList"];
export type AttachmentUpload = S["AttachmentUpload"];

export const attachmentKeys = {
  list: (taskId: string) => ["tasks", "attachments", taskId] as const,
  /** Not under "tasks": an upload is not a task write, so the task lists do not wait for it. */
  upload: () => ["attachments", "upload"] as const,
};

export async function listAttachments(taskId: string): Promise<AttachmentList> {
  return dataOf<AttachmentList>(
    api.GET("/api/v1/tasks/{task_id}/attachments", { params: { path: { task_id: taskId } } }),
  );
}

/** Announce a file: the server checks its size, type and the quota, and answers a form. */
export async function announce(taskId: string, file: File): Promise<AttachmentUpload> {
  return dataOf<AttachmentUpload>(
    api.POST("/api/v1/tasks/{task_id}/attachments", {
      params: { path: { task_id: taskId } },
      body: {
        filename: file.name,
        content_type: file.type || "application/octet-stream",
        size: file.size,
      },
    }),
  );
}

/** Post the file with the form's fields to the store (S3, or the app's own local store) with
 * XMLHttpRequest, the one browser API that reports upload progress. */
export function sendFile(
  form: AttachmentUpload["upload"],
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append("file", file); // last: S3 ignores fields after the file
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", new URL(form.url, apiOrigin()).toString());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new Error(`The upload was refused (${xhr.status}).`));
    xhr.onerror = () => reject(new Error("The upload could not reach the file store."));
    xhr.send(body);
  });
}

export async function complete(taskId: string, id: string): Promise<Attachment> {
  return dataOf<Attachment>(
    api.POST("/api/v1/tasks/{task_id}/attachments/{attachment_id}/complete", {
      params: { path: { task_id: taskId, attachment_id: id } },
    }),
  );
}

/** A short-lived link (about a minute): follow it at once. */
export async function downloadUrl(taskId: string, id: string): Promise<string> {
  const { data } = await unwrap<S["DownloadLink"]>(
    api.GET("/api/v1/tasks/{task_id}/attachments/{attachment_id}/download", {
      params: { path: { task_id: taskId, attachment_id: id } },
    }),
  );
  return new URL(data.url, apiOrigin()).toString();
}

export async function removeAttachment(taskId: string, id: string): Promise<void> {
  await unwrap(
    api.DELETE("/api/v1/tasks/{task_id}/attachments/{attachment_id}", {
      params: { path: { task_id: taskId, attachment_id: id } },
    }),
  );
}
