import { expect, test } from "@playwright/test";
import { expectAxeClean, shoot } from "./axe";
import {
  createProject,
  getTask,
  openEditor,
  PASSWORD,
  quickAdd,
  signedIn,
  signedInWithTasks,
  taskRow,
} from "./helpers";

test("projects in the sidebar: create, add a task there, rename, archive, delete with its tasks", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await signedIn(page, request, baseURL!, "projects");
  const sidebar = page.getByRole("region", { name: "Projects" });
  await expect(sidebar.getByRole("link", { name: "Inbox" })).toBeVisible();

  await sidebar.getByRole("button", { name: "New project" }).click();
  const dialog = page.getByRole("dialog", { name: "New project" });
  await dialog.getByLabel("Name").fill("Garden");
  await dialog.getByText("green").click();
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1, name: "Garden" })).toBeVisible();

  // A task added in the project's list goes into that project, and the count follows.
  await quickAdd(page, "Plant tulip bulbs");
  const garden = sidebar.getByRole("link", { name: /Garden/ });
  await expect(garden).toHaveAccessibleName(/^Garden\s*1 open$/);
  await shoot(page, "project-desktop");
  await page.setViewportSize({ width: 375, height: 812 });
  await shoot(page, "project-phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  const login = await request.post(`${baseURL}/api/v1/auth/login`, {
    data: { email, password: PASSWORD },
  });
  const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const listed = await request.get(`${baseURL}/api/v1/tasks?project=${projectId}`, { headers });
  const items = (await listed.json()).items as Array<{ title: string; project_id: string }>;
  expect(items.map((t) => [t.title, t.project_id])).toEqual([["Plant tulip bulbs", projectId]]);

  // The Inbox's list does not show it; the plain list does.
  await sidebar.getByRole("link", { name: "Inbox" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  await expect(taskRow(page, "Plant tulip bulbs")).toHaveCount(0);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "List" }).click();
  await expect(taskRow(page, "Plant tulip bulbs")).toBeVisible();

  await expectAxeClean(page, "sidebar with projects");

  // Rename and recolour.
  await sidebar.getByRole("button", { name: "Edit project “Garden”" }).click();
  const edit = page.getByRole("dialog", { name: "Edit project" });
  await edit.getByLabel("Name").fill("Back garden");
  await edit.getByText("teal").click();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  await expect(sidebar.getByRole("link", { name: /Back garden/ })).toBeVisible();
  const renamed = await request.get(`${baseURL}/api/v1/projects/${projectId}`, { headers });
  expect(await renamed.json()).toMatchObject({ name: "Back garden", colour: "teal" });

  // Archive: hidden behind the toggle.
  await sidebar.getByRole("button", { name: "Edit project “Back garden”" }).click();
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(sidebar.getByRole("link", { name: /Back garden/ })).toHaveCount(0);
  await sidebar.getByRole("button", { name: "Show archived (1)" }).click();
  await expect(sidebar.getByRole("link", { name: /Back garden/ })).toBeVisible();

  // Delete asks first, and says the tasks go with it.
  await sidebar.getByRole("link", { name: /Back garden/ }).click();
  await sidebar.getByRole("button", { name: "Edit project “Back garden”" }).click();
  await page.getByRole("button", { name: "Delete…" }).click();
  await expect(page.getByText("Its task is deleted with it")).toBeVisible();
  await page.getByRole("button", { name: "Delete project and tasks" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(sidebar.getByRole("link", { name: /Back garden/ })).toHaveCount(0);
  await expect(taskRow(page, "Plant tulip bulbs")).toHaveCount(0);
  const gone = await request.get(`${baseURL}/api/v1/projects/${projectId}`, { headers });
  expect(gone.status()).toBe(404);
});

test("the editor shows a task's project and moves it; a new task starts in the project shown", async ({
  page,
  request,
  baseURL,
}) => {
  const { headers, created } = await signedInWithTasks(page, request, baseURL!, "editor-project", [
    { title: "Book the venue" },
  ]);
  const garden = await createProject(page, "Garden");

  // A new task opened with n on a project's page is that project's, as quick add's is.
  await page.getByRole("heading", { level: 1, name: "Garden" }).click();
  await page.keyboard.press("n");
  const fresh = page.getByRole("dialog", { name: "New task" });
  await expect(fresh.getByLabel("Project")).toHaveValue(garden.split("/").pop()!);
  await fresh.getByLabel("Title").fill("Plant the tulips");
  await fresh.getByRole("button", { name: "Add task" }).click();
  await expect(taskRow(page, "Plant the tulips")).toBeVisible();

  // An Inbox task moves to Garden from its editor.
  await page.getByRole("region", { name: "Projects" }).getByRole("link", { name: /Inbox/ }).click();
  const dialog = await openEditor(page, "Book the venue");
  const inbox = (await getTask(request, baseURL!, headers, created[0]!.id)).project_id;
  await expect(dialog.getByLabel("Project")).toHaveValue(inbox);
  await dialog.getByLabel("Project").selectOption({ label: "Garden" });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(taskRow(page, "Book the venue")).toHaveCount(0);
  await page.goto(garden);
  await expect(taskRow(page, "Book the venue")).toBeVisible();
  await expect(taskRow(page, "Plant the tulips")).toBeVisible();
  const moved = await getTask(request, baseURL!, headers, created[0]!.id);
  expect(moved.project_id).toBe(garden.split("/").pop());
});
