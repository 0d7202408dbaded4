import { expect, test, type APIRequestContext } from "@playwright/test";
import {
  acceptAfterLogIn,
  accountWithSubtasks,
  accountWithTasks,
  type ApiTask,
  bulkBar,
  dayIn,
  dragAnnounced,
  editButton,
  inPageZone,
  invitedThroughApi,
  keyboardDrag,
  logIn,
  openEditor,
  taskRow,
  toast,
} from "./helpers";

type ApiSubtask = ApiTask & { title: string; project_id: string; labels: string[] };

/** A task's subtasks as the API holds them, in the order added. */
async function subtasksOf(
  request: APIRequestContext,
  baseURL: string,
  headers: Record<string, string>,
  parentId: string,
): Promise<ApiSubtask[]> {
  const res = await request.get(
    `${baseURL}/api/v1/tasks?parent=${parentId}&sort=created_at&limit=100`,
    { headers },
  );
  return ((await res.json()) as { items: ApiSubtask[] }).items;
}

/** Subtasks as "title:status:project". */
const shown = (subtasks: ApiSubtask[]) =>
  subtasks.map((t) => `${t.title}:${t.status}:${t.project_id}`);

test("a task's editor lists its subtasks: add them with Enter, tick one off, open one and go back up", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers, parent } = await accountWithSubtasks(
    request,
    baseURL!,
    "subtasks",
    { title: "Run the open day" },
    [{ title: "Book the hall" }],
  );
  const inbox = (
    (await (await request.get(`${baseURL}/api/v1/tasks/${parent.id}`, { headers })).json()) as {
      project_id: string;
    }
  ).project_id;
  await logIn(page, email);

  const dialog = await openEditor(page, "Run the open day");
  const section = dialog.getByRole("region", { name: /^Subtasks/ });
  const rows = section.getByTestId("subtask");
  await expect(rows).toHaveText(["Book the hall"]);

  // One after another from the keyboard: the field stays focused and empties each time.
  const field = section.getByRole("textbox", { name: "New subtask of “Run the open day”" });
  await field.fill("Send the invitations");
  await field.press("Enter");
  await expect(field).toHaveValue("");
  await expect(field).toBeFocused();
  await field.pressSequentially("Order the catering");
  await field.press("Enter");
  await expect(rows).toHaveText(["Book the hall", "Send the invitations", "Order the catering"]);
  await expect(section.getByRole("heading")).toHaveText("Subtasks, done: 0/3");

  await section.getByRole("checkbox", { name: "Complete “Send the invitations”" }).click();
  await expect(section.getByRole("heading")).toHaveText("Subtasks, done: 1/3");
  await expect
    .poll(async () => shown(await subtasksOf(request, baseURL!, headers, parent.id)))
    .toEqual([
      `Book the hall:pending:${inbox}`,
      `Send the invitations:done:${inbox}`,
      `Order the catering:pending:${inbox}`,
    ]);
  // The parent's row behind the dialog counts them as the server does.
  await expect(taskRow(page, "Run the open day").getByText("1/3")).toBeVisible();

  // A subtask opens in the same dialog, at its own address, one level deep.
  await section.getByRole("button", { name: "Order the catering", exact: true }).click();
  await expect(dialog.getByLabel("Title")).toHaveValue("Order the catering");
  await expect(dialog.getByLabel("Title")).toBeFocused();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  expect(page.url()).not.toContain(parent.id);
  await expect(dialog.getByRole("region", { name: /^Subtasks/ })).toHaveCount(0);

  // Unsaved edits are not dropped on the way up without asking.
  await dialog.getByLabel("Title").fill("Order the catering for 12");
  await dialog.getByRole("button", { name: "Subtask of Run the open day" }).click();
  const ask = page.getByRole("alertdialog", { name: "Discard your changes?" });
  await ask.getByRole("button", { name: "Keep editing" }).click();
  await expect(dialog.getByLabel("Title")).toHaveValue("Order the catering for 12");
  await dialog.getByRole("button", { name: "Subtask of Run the open day" }).click();
  await ask.getByRole("button", { name: "Discard changes" }).click();
  await expect(dialog.getByLabel("Title")).toHaveValue("Run the open day");
  await expect(page).toHaveURL(new RegExp(`/tasks/${parent.id}$`));
  await expect(rows).toHaveText(["Book the hall", "Send the invitations", "Order the catering"]);

  // Closing goes back to the list the parent was opened from.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/tasks$/);
  // Among the list's rows, each subtask names its parent.
  await expect(taskRow(page, "Order the catering")).toContainText("Subtask of Run the open day");
  await expect(taskRow(page, "Book the hall")).toContainText("Subtask of Run the open day");
  expect(shown(await subtasksOf(request, baseURL!, headers, parent.id))).toContain(
    `Order the catering:pending:${inbox}`,
  );
});

for (const role of ["editor", "viewer"] as const) {
  test(`in a shared project, ${role === "editor" ? "an editor adds a subtask the owner's project keeps; undoing a completion reopens all" : "a viewer reads the subtasks and can change none"}`, async ({
    page,
    request,
    baseURL,
  }) => {
    const { owner, memberEmail, projectId, link } = await invitedThroughApi(
      request,
      baseURL!,
      "Choir",
      role,
      role,
    );
    const made = await request.post(`${baseURL}/api/v1/tasks`, {
      data: { title: "Print the scores", project_id: projectId },
      headers: owner,
    });
    const parent = (await made.json()) as { id: string };
    const sub = await request.post(`${baseURL}/api/v1/tasks`, {
      data: { title: "Fold the programmes", project_id: projectId, parent_id: parent.id },
      headers: owner,
    });
    expect(sub.status(), await sub.text()).toBe(201);

    await acceptAfterLogIn(page, link, memberEmail);
    await expect(page.getByRole("heading", { level: 1, name: "Choir" })).toBeVisible();
    await taskRow(page, "Print the scores")
      .getByRole("button", { name: /^(Edit|Open) “Print the scores”/ })
      .first()
      .click();
    const dialog = page.getByRole("dialog", { name: role === "editor" ? "Edit task" : "Task" });
    const section = dialog.getByRole("region", { name: /^Subtasks/ });
    await expect(section.getByTestId("subtask")).toHaveText(["Fold the programmes"]);

    if (role === "viewer") {
      await expect(section.getByRole("textbox")).toHaveCount(0);
      await expect(section.getByRole("checkbox")).toHaveCount(0);
      await expect(section.getByRole("img", { name: "Not done" })).toBeVisible();
      return;
    }
    const field = section.getByRole("textbox", { name: "New subtask of “Print the scores”" });
    await field.fill("Bring the music stands");
    await field.press("Enter");
    await expect(section.getByTestId("subtask")).toHaveText([
      "Fold the programmes",
      "Bring the music stands",
    ]);
    // In the owner's project, under the owner's task: the owner's API lists it there.
    await expect
      .poll(async () => shown(await subtasksOf(request, baseURL!, owner, parent.id)))
      .toEqual([
        `Fold the programmes:pending:${projectId}`,
        `Bring the music stands:pending:${projectId}`,
      ]);

    // Completing the parent completes both once asked; undo reopens all three. The subtasks are
    // read from the owner's project for that (on the old code undo found none and left them done).
    await page.keyboard.press("Escape");
    await taskRow(page, "Print the scores")
      .getByRole("checkbox", { name: "Complete “Print the scores”" })
      .click();
    const ask = toast(page, "Complete 2 open subtasks too?");
    await ask.getByRole("button", { name: "Complete all" }).click();
    const statuses = async () =>
      [
        (
          (await (
            await request.get(`${baseURL}/api/v1/tasks/${parent.id}`, { headers: owner })
          ).json()) as ApiTask
        ).status,
        ...(await subtasksOf(request, baseURL!, owner, parent.id)).map((t) => t.status),
      ].join(" ");
    await expect.poll(statuses).toBe("done done done");
    await toast(page, "Completed “Print the scores”").getByRole("button", { name: "Undo" }).click();
    await expect.poll(statuses).toBe("pending pending pending");
  });
}

test("Today and Upcoming name a subtask's parent; Upcoming counts a parent's subtasks", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers } = await accountWithSubtasks(
    request,
    baseURL!,
    "subplanner",
    { title: "Host the quiz night", due_on: dayIn(2) },
    [
      { title: "Print the answer sheets", due_on: dayIn(0) },
      { title: "Buy the prizes", due_on: dayIn(2) },
    ],
  );
  await inPageZone(request, baseURL!, headers);
  await logIn(page, email);
  await page
    .getByRole("navigation", { name: "Planner" })
    .getByRole("link", { name: "Today" })
    .click();
  await expect(taskRow(page, "Print the answer sheets")).toContainText(
    "Subtask of Host the quiz night",
  );
  await page
    .getByRole("navigation", { name: "Planner" })
    .getByRole("link", { name: "Upcoming" })
    .click();
  await expect(page.getByTestId("agenda-item").filter({ hasText: "Buy the prizes" })).toContainText(
    "Subtask of Host the quiz night",
  );
  // And the parent's row counts them, as the list's does.
  await expect(
    page
      .getByTestId("agenda-item")
      .filter({ has: page.getByRole("button", { name: "Edit “Host the quiz night”" }) }),
  ).toContainText("Subtasks done: 0/2");
});

test("a subtask typed with quick add's words gets its due, priority and labels; a +project stays words", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers, parent } = await accountWithSubtasks(
    request,
    baseURL!,
    "subwords",
    { title: "Launch the podcast" },
    [],
  );
  await inPageZone(request, baseURL!, headers);
  await logIn(page, email);
  const dialog = await openEditor(page, "Launch the podcast");
  const field = dialog.getByRole("textbox", { name: "New subtask of “Launch the podcast”" });
  await field.fill("Record the trailer tomorrow p1 #audio +Home");
  await field.press("Enter");
  await expect(dialog.getByTestId("subtask")).toContainText("Record the trailer +Home");
  await expect
    .poll(async () =>
      (await subtasksOf(request, baseURL!, headers, parent.id)).map((t) => [
        t.title,
        t.due_on,
        t.priority,
        t.labels.join(),
      ]),
    )
    .toEqual([["Record the trailer +Home", dayIn(1), "urgent", "audio"]]);
});

test("a task becomes a subtask of another from its editor, and a task of its own again, each with an undo", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers, created } = await accountWithTasks(request, baseURL!, "reparent", [
    { title: "Plan the trip" },
    { title: "Buy a guidebook" },
  ]);
  const [parent, loose] = created;
  await logIn(page, email);
  const parentOf = async () =>
    (
      (await (await request.get(`${baseURL}/api/v1/tasks/${loose!.id}`, { headers })).json()) as {
        parent_id: string | null;
      }
    ).parent_id;

  let dialog = await openEditor(page, "Buy a guidebook");
  await dialog
    .getByRole("combobox", { name: "Make “Buy a guidebook” a subtask of another task" })
    .selectOption({ label: "Plan the trip" });
  await expect(dialog.getByRole("button", { name: "Subtask of Plan the trip" })).toBeVisible();
  await expect(dialog.getByRole("region", { name: /^Subtasks/ })).toHaveCount(0);
  await expect.poll(parentOf).toBe(parent!.id);
  await expect(toast(page, "“Buy a guidebook” is now a subtask")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(taskRow(page, "Buy a guidebook")).toContainText("Subtask of Plan the trip");
  await expect(taskRow(page, "Plan the trip").getByText("0/1")).toBeVisible();

  // The parent lists it; set free from its own editor, then undone, then set free again.
  dialog = await openEditor(page, "Plan the trip");
  await expect(dialog.getByRole("region", { name: /^Subtasks/ }).getByTestId("subtask")).toHaveText(
    ["Buy a guidebook"],
  );
  await dialog.getByRole("button", { name: "Buy a guidebook", exact: true }).click();
  await dialog.getByRole("button", { name: "Make it a task of its own" }).click();
  await expect(dialog.getByRole("button", { name: "Subtask of Plan the trip" })).toHaveCount(0);
  await expect.poll(parentOf).toBeNull();
  await toast(page, "“Buy a guidebook” is a task of its own")
    .getByRole("button", { name: "Undo" })
    .click();
  await expect.poll(parentOf).toBe(parent!.id);
  await expect(dialog.getByRole("button", { name: "Subtask of Plan the trip" })).toBeVisible();
  await dialog.getByRole("button", { name: "Make it a task of its own" }).click();
  await expect.poll(parentOf).toBeNull();
  await page.keyboard.press("Escape");
  await expect(taskRow(page, "Buy a guidebook")).not.toContainText("Subtask of");
  await expect(taskRow(page, "Plan the trip").getByText("0/1")).toHaveCount(0);
});

test("a parent moved to another project from the bulk bar takes its subtasks along", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers, parent } = await accountWithSubtasks(
    request,
    baseURL!,
    "move-parent",
    { title: "Move house" },
    [{ title: "Pack the books" }, { title: "Book the van" }],
  );
  const made = await request.post(`${baseURL}/api/v1/projects`, {
    data: { name: "Home" },
    headers,
  });
  const home = ((await made.json()) as { id: string }).id;
  await logIn(page, email);

  await editButton(page, "Move house").focus();
  await page.keyboard.press("x");
  await bulkBar(page).getByLabel("Move to project").selectOption({ label: "Home" });
  await expect(toast(page, "Moved 1 task to Home")).toBeVisible();
  await expect
    .poll(async () => shown(await subtasksOf(request, baseURL!, headers, parent.id)))
    .toEqual([`Pack the books:pending:${home}`, `Book the van:pending:${home}`]);

  await page.getByRole("region", { name: "Projects" }).getByRole("link", { name: /^Home/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Home" })).toBeVisible();
  const dialog = await openEditor(page, "Move house");
  await expect(dialog.getByRole("region", { name: /^Subtasks/ }).getByTestId("subtask")).toHaveText(
    ["Pack the books", "Book the van"],
  );
});

test("subtasks keep the order they are dragged into, by pointer or keyboard, and the toast's Undo puts one back", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers, parent } = await accountWithSubtasks(
    request,
    baseURL!,
    "subtask-order",
    { title: "Bake a cake" },
    [{ title: "Buy flour" }, { title: "Mix the batter" }, { title: "Preheat the oven" }],
  );
  const order = async () => {
    const res = await request.get(
      `${baseURL}/api/v1/tasks?parent=${parent.id}&sort=position&limit=100`,
      { headers },
    );
    return ((await res.json()) as { items: { title: string }[] }).items.map((t) => t.title);
  };
  await logIn(page, email);
  const dialog = await openEditor(page, "Bake a cake");
  const list = dialog.getByRole("list", { name: "Subtasks" });
  const rows = list.getByTestId("subtask");
  await expect(rows).toHaveText(["Buy flour", "Mix the batter", "Preheat the oven"]);
  // Once the drag code is in (a lazy chunk): each row then has its grip.
  await expect(list.getByRole("button", { name: /^Reorder “/ })).toHaveCount(3);
  await list.scrollIntoViewIfNeeded();

  await dragAnnounced(
    page,
    rows.filter({ hasText: "Preheat the oven" }),
    rows.filter({ hasText: "Buy flour" }),
    "Preheat the oven is at position 1 of 3.",
  );
  await expect(rows).toHaveText(["Preheat the oven", "Buy flour", "Mix the batter"]);
  await expect.poll(order).toEqual(["Preheat the oven", "Buy flour", "Mix the batter"]);

  // The keyboard's way: the grip, Space, ↓, Space.
  await keyboardDrag(
    page,
    list.getByRole("button", { name: /^Reorder “Buy flour”/ }),
    "Buy flour is at position 2 of 3.",
    [["ArrowDown", "Buy flour is at position 3 of 3."]],
  );
  await expect(rows).toHaveText(["Preheat the oven", "Mix the batter", "Buy flour"]);
  await expect.poll(order).toEqual(["Preheat the oven", "Mix the batter", "Buy flour"]);
  await expect(dialog).toBeVisible();

  await toast(page, "Moved “Buy flour”").getByRole("button", { name: "Undo" }).click();
  await expect.poll(order).toEqual(["Preheat the oven", "Buy flour", "Mix the batter"]);
  await expect(rows).toHaveText(["Preheat the oven", "Buy flour", "Mix the batter"]);
});

test("in a project of more than a hundred open tasks, the parent is found by title", async ({
  page,
  request,
  baseURL,
}) => {
  const filler = Array.from({ length: 104 }, (_, i) => ({ title: `Errand ${i + 1}` }));
  const { email } = await accountWithTasks(request, baseURL!, "manyparents", [
    ...filler,
    { title: "Write the yearly report" },
    { title: "Zip up the photos" },
  ]);
  await logIn(page, email);

  const dialog = await openEditor(page, "Zip up the photos");
  const picker = dialog.getByRole("combobox", {
    name: "Make “Zip up the photos” a subtask of another task",
  });
  // The first hundred by title: the errands, not the report.
  await expect(picker.getByRole("option", { name: "Errand 1", exact: true })).toBeAttached();
  await expect(picker.getByRole("option", { name: "Write the yearly report" })).toHaveCount(0);
  await dialog.getByRole("searchbox", { name: "Find the parent task by title" }).fill("yearly");
  await expect(picker.getByRole("option")).toHaveText([
    "Make it a subtask of…",
    "Write the yearly report",
  ]);
  await picker.selectOption({ label: "Write the yearly report" });
  await expect(
    dialog.getByRole("button", { name: "Subtask of Write the yearly report" }),
  ).toBeVisible();
});
