import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { errorMessage } from "@/api/problem";
import { Dialog } from "@/ui/Dialog";
import { FormAlert } from "@/ui/FormAlert";
import { NameField } from "@/ui/LabelledInput";
import { Button, Field } from "@/ui/primitives";
import { taskKeys } from "@/features/tasks/api";
import { invalidateProjects, type Colour, type Project } from "./api";
import { COLOUR_HEX, COLOURS } from "./colours";
import { createProject, deleteProject, updateProject } from "./writes";

type Editing = { mode: "new" } | { mode: "edit"; project: Project } | null;

/** Create, rename, recolour, archive or delete a project; deleting asks first (its tasks go too). */
export default function ProjectDialog({
  editing,
  onClose,
}: {
  editing: Editing;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const project = editing?.mode === "edit" ? editing.project : null;
  const [name, setName] = useState("");
  const [colour, setColour] = useState<Colour>("grey");
  const [description, setDescription] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);

  // A new `editing` (another project, or "new") starts the form over: set while rendering.
  const [shown, setShown] = useState<Editing>(null);
  if (editing !== shown) {
    setShown(editing);
    if (editing) {
      setName(project?.name ?? "");
      setColour(project?.colour ?? "grey");
      setDescription(project?.description ?? "");
      setConfirmDelete(false);
    }
  }

  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // Plain async handlers, not useMutation: this chunk then shares nothing new with the entry
  // (a shared react-query piece split the entry chunk and cost /tasks 2 kB of its budget).
  async function run(write: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await write();
      // Project writes change the sidebar; a delete also changes every task list and count.
      void invalidateProjects(qc);
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const save = () =>
    run(async () => {
      const body = { name: name.trim(), colour, description };
      if (project) await updateProject(project, body);
      else void navigate(`/projects/${(await createProject(body)).id}`);
    });
  const archive = (p: Project) =>
    run(async () => void (await updateProject(p, { archived: !p.archived })));
  const remove = (p: Project) =>
    run(async () => {
      await deleteProject(p);
      void qc.invalidateQueries({ queryKey: taskKeys.all });
      void qc.invalidateQueries({ queryKey: ["planner"] });
      if (pathname === `/projects/${p.id}`) void navigate("/tasks");
    });

  return (
    <Dialog
      open={editing !== null}
      onOpenChange={(o) => {
        if (!o) {
          setError(null);
          onClose();
        }
      }}
      title={project ? "Edit project" : "New project"}
    >
      {confirmDelete && project ? (
        <div role="alert" className="space-y-4">
          <p className="text-sm">
            Delete <strong>{project.name}</strong>? Its{" "}
            {project.open_count + project.done_count === 1
              ? "task is"
              : `${project.open_count + project.done_count} tasks are`}{" "}
            deleted with it. This cannot be undone.
          </p>
          {error != null && (
            <p className="text-sm text-red-700 dark:text-red-400">{errorMessage(error)}</p>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirmDelete(false)}>
              Keep it
            </Button>
            <Button variant="danger" disabled={busy} onClick={() => void remove(project)}>
              Delete project and tasks
            </Button>
          </div>
        </div>
      ) : (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void save();
          }}
        >
          <NameField id="project-name" value={name} onChange={setName} />
          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-zinc-800 dark:text-zinc-200">
              Colour
            </legend>
            <div className="flex flex-wrap gap-2">
              {COLOURS.map((c) => (
                <label
                  key={c}
                  className="has-[:checked]:ring-brand-500 flex cursor-pointer items-center gap-1.5 rounded-md border border-zinc-300 px-2 py-1 text-xs capitalize has-[:checked]:ring-2 has-[:focus-visible]:outline-2 dark:border-zinc-700"
                >
                  <input
                    type="radio"
                    name="project-colour"
                    value={c}
                    checked={colour === c}
                    onChange={() => setColour(c)}
                    className="sr-only"
                  />
                  <span
                    className="size-3 rounded-full"
                    style={{ background: COLOUR_HEX[c] }}
                    aria-hidden="true"
                  />
                  {c}
                </label>
              ))}
            </div>
          </fieldset>
          <Field
            id="project-description"
            label="Description"
            hint="Markdown: **bold**, *italic*, [links](https://…), lists, # headings."
          >
            <textarea
              id="project-description"
              rows={4}
              maxLength={20_000}
              value={description}
              aria-describedby="project-description-hint"
              onChange={(e) => setDescription(e.target.value)}
              className="focus:border-brand-500 focus:ring-brand-500/20 w-full resize-y rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-xs focus:ring-2 focus:outline-none dark:border-zinc-700 dark:bg-zinc-900"
            />
          </Field>
          {error != null && <FormAlert>{errorMessage(error)}</FormAlert>}
          <div className="flex flex-wrap items-center justify-end gap-2">
            {project && !project.is_inbox && (
              <>
                <Button
                  variant="ghost"
                  className="mr-auto text-red-700 dark:text-red-400"
                  onClick={() => setConfirmDelete(true)}
                >
                  Delete…
                </Button>
                <Button variant="secondary" disabled={busy} onClick={() => void archive(project)}>
                  {project.archived ? "Unarchive" : "Archive"}
                </Button>
              </>
            )}
            <Button type="submit" disabled={busy || !name.trim()}>
              {project ? "Save" : "Create project"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
