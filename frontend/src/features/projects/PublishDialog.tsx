import { useQueryClient } from "@tanstack/react-query";
import { Check, Copy, ExternalLink } from "lucide-react";
import { useRef, useState } from "react";
import { errorMessage } from "@/api/problem";
import { Dialog } from "@/ui/Dialog";
import { FormAlert } from "@/ui/FormAlert";
import { Button } from "@/ui/primitives";
import { invalidateProjects, type Project } from "./api";
import { publishProject, unpublishProject } from "./writes";

/**
 * Copies with the Clipboard API; where it is missing or refused (an http:// origin, an old
 * browser, a denied permission) selects the field and falls back to the older copy command.
 */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field?.focus();
    field?.select();
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

type Confirming = "replace" | "stop" | null;

/** Publish a project as a read-only page; copy, open, replace or revoke its link. */
export default function PublishDialog({
  project,
  onClose,
}: {
  project: Project;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const [url, setUrl] = useState(project.published_url);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const field = useRef<HTMLInputElement>(null);

  async function run(write: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setCopied(null);
    try {
      await write();
      setConfirming(null);
      // The sidebar's globe and the header read published_url from the projects list.
      void invalidateProjects(qc);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const publish = () => run(async () => setUrl(await publishProject(project)));
  const stop = () =>
    run(async () => {
      await unpublishProject(project);
      setUrl(null);
    });

  return (
    <Dialog
      open
      onOpenChange={(o) => !o && onClose()}
      title={`Publish “${project.name}”`}
      description="Anyone with the link can read the description and the open tasks, without an account. Search engines are asked not to index it."
    >
      {error != null && <FormAlert>{errorMessage(error)}</FormAlert>}
      {confirming ? (
        <div role="alert" className="space-y-4">
          <p className="text-sm">
            {confirming === "replace"
              ? "Replace the link? The current link stops working at once; share the new one instead."
              : "Stop publishing? The link stops working at once."}
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirming(null)}>
              Keep the link
            </Button>
            <Button
              variant="danger"
              disabled={busy}
              onClick={() => void (confirming === "replace" ? publish() : stop())}
            >
              {confirming === "replace" ? "Replace link" : "Stop publishing"}
            </Button>
          </div>
        </div>
      ) : url ? (
        <div className="space-y-4">
          <div className="space-y-1.5">
            <label htmlFor="publish-url" className="block text-sm font-medium">
              Read-only link
            </label>
            <div className="flex gap-2">
              <input
                id="publish-url"
                ref={field}
                readOnly
                value={url}
                onFocus={(e) => e.target.select()}
                className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
              />
              <Button
                variant="secondary"
                onClick={() => void copyText(url, field.current).then(setCopied)}
              >
                {copied ? (
                  <Check className="size-4" aria-hidden="true" />
                ) : (
                  <Copy className="size-4" aria-hidden="true" />
                )}
                Copy
              </Button>
            </div>
            <p className="min-h-4 text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
              {copied === true && "Link copied."}
              {copied === false && "Could not copy: the link is selected, copy it by hand."}
            </p>
          </div>
          <div className="flex flex-wrap items-center justify-end gap-2">
            <a
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              className="text-brand-700 dark:text-brand-400 mr-auto inline-flex h-9 items-center gap-1.5 rounded-md px-3 text-sm font-medium hover:underline"
            >
              <ExternalLink className="size-4" aria-hidden="true" />
              Open
            </a>
            <Button variant="secondary" disabled={busy} onClick={() => setConfirming("replace")}>
              Replace link…
            </Button>
            <Button variant="secondary" disabled={busy} onClick={() => setConfirming("stop")}>
              Stop publishing…
            </Button>
          </div>
        </div>
      ) : (
        <div className="flex justify-end">
          <Button disabled={busy} onClick={() => void publish()}>
            Publish a read-only link
          </Button>
        </div>
      )}
    </Dialog>
  );
}
