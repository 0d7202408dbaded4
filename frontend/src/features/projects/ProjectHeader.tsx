/**
 * A project's header on its list: the description (Markdown the server rendered and sanitized:
 * `description_html`), and the buttons that share, edit and publish the project (editing and
 * publishing only for its owner). Its own lazy chunk: /tasks never loads it.
 */
import { Globe, Pencil, Users } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/ui/primitives";
import { useProjects } from "./api";

const ProjectDialog = lazy(() => import("./ProjectDialog"));
const PublishDialog = lazy(() => import("./PublishDialog"));
const ShareDialog = lazy(() => import("./ShareDialog"));

// Markdown's elements, styled from the container (the app has no typography plugin).
const PROSE =
  "space-y-2 text-sm text-zinc-700 dark:text-zinc-300 [&_a]:text-brand-700 dark:[&_a]:text-brand-400 [&_a]:underline [&_h1]:text-base [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5 [&_code]:rounded [&_code]:bg-zinc-100 dark:[&_code]:bg-zinc-800 [&_code]:px-1 [&_blockquote]:border-l-2 [&_blockquote]:border-zinc-300 [&_blockquote]:pl-3";

export default function ProjectHeader({ projectId }: { projectId: string }) {
  const { data: projects } = useProjects();
  const project = projects?.find((p) => p.id === projectId);
  const [open, setOpen] = useState<"edit" | "publish" | "share" | null>(null);
  if (!project) return null;
  const owner = project.role === "owner";
  const close = () => setOpen(null);

  return (
    <section
      aria-label="About this project"
      className="mb-5 space-y-3"
      data-testid="project-header"
    >
      {project.description_html && (
        <div
          className={PROSE}
          data-testid="project-description"
          // Safe: rendered by the server with markdown-it (raw HTML off) and sanitized by nh3.
          dangerouslySetInnerHTML={{ __html: project.description_html }}
        />
      )}
      <div className="flex flex-wrap items-center gap-2">
        {/* The Inbox is never shared. */}
        {!project.is_inbox && (
          <Button variant="secondary" size="sm" onClick={() => setOpen("share")}>
            <Users className="size-4" aria-hidden="true" />
            {owner
              ? "Share"
              : `Members · you are ${project.role === "editor" ? "an editor" : "a viewer"}`}
          </Button>
        )}
        {owner && (
          <>
            <Button variant="secondary" size="sm" onClick={() => setOpen("edit")}>
              <Pencil className="size-4" aria-hidden="true" />
              Edit project
            </Button>
            <Button variant="secondary" size="sm" onClick={() => setOpen("publish")}>
              <Globe className="size-4" aria-hidden="true" />
              {project.published_url ? "Published link" : "Publish a read-only link"}
            </Button>
          </>
        )}
      </div>
      {open && (
        <Suspense fallback={null}>
          {open === "edit" ? (
            <ProjectDialog editing={{ mode: "edit", project }} onClose={close} />
          ) : open === "publish" ? (
            <PublishDialog project={project} onClose={close} />
          ) : (
            <ShareDialog project={project} onClose={close} />
          )}
        </Suspense>
      )}
    </section>
  );
}
