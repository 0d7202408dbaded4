import { expect, test } from "@playwright/test";
import { shoot } from "./axe";
import {
  accountWithSubtasks,
  type ApiTask,
  accountWithTasks,
  getTask,
  logIn,
  openEditor,
  PASSWORD,
  seedTasks,
  taskRow,
  toast,
  uniqueEmail,
} from "./helpers";

test("'every weekday' set in the editor is the API's rule, and completing rolls to the next weekday", async ({
  page,
  request,
  baseURL,
}) => {
  // 4 December 2026 is a Friday.
  const { email, created, headers } = await accountWithTasks(request, baseURL!, "repeat", [
    { title: "Send the status report", due_on: "2026-12-04" },
  ]);
  const id = created[0]!.id;
  await logIn(page, email);

  const dialog = await openEditor(page, "Send the status report");
  await dialog
    .getByLabel("Repeat", { exact: true })
    .selectOption({ label: "Every weekday (Mon–Fri)" });
  await expect(dialog.getByText("Repeats every weekday.")).toBeVisible();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  await expect
    .poll(async () => (await getTask(request, baseURL!, headers, id)).recurrence)
    .toBe("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");

  // The row says it repeats, beside its due day.
  await expect(taskRow(page, "Send the status report")).toContainText(". Repeats every weekday");

  // Reopened, the editor reads the stored rule back as the same choice.
  const again = await openEditor(page, "Send the status report");
  await expect(again.getByLabel("Repeat", { exact: true })).toHaveValue("weekdays");
  await again.getByRole("button", { name: "Cancel" }).click();

  await taskRow(page, "Send the status report")
    .getByRole("checkbox", { name: "Complete “Send the status report”" })
    .click();
  // Friday's occurrence done: the task is open again on Monday 7 December.
  await expect
    .poll(async () => {
      const t = await getTask(request, baseURL!, headers, id);
      return `${t.status} ${t.due_on}`;
    })
    .toBe("pending 2026-12-07");
});

/** The first Monday at least `days` days after today (UTC), as YYYY-MM-DD, and the one after it:
 * far enough ahead that its name is a date, whatever day the suite runs on. */
function mondaysAhead(days: number): [string, string] {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days + ((8 - ((d.getUTCDay() + days) % 7)) % 7));
  const first = d.toISOString().slice(0, 10);
  d.setUTCDate(d.getUTCDate() + 7);
  return [first, d.toISOString().slice(0, 10)];
}

test("'Skip' in the editor moves a repeating task to its next occurrence, completes nothing, and Undo puts it back", async ({
  page,
  request,
  baseURL,
}) => {
  const [monday, nextMonday] = mondaysAhead(8);
  const { email, created, headers } = await accountWithTasks(request, baseURL!, "skip", [
    { title: "Gym", due_on: monday, recurrence: "FREQ=WEEKLY;BYDAY=MO" },
    { title: "Call the bank", due_on: monday },
  ]);
  const id = created[0]!.id;
  await logIn(page, email);

  // Only a repeating task offers it.
  const once = await openEditor(page, "Call the bank");
  await expect(once.getByRole("button", { name: "Delete" })).toBeVisible();
  await expect(once.getByRole("button", { name: /^Skip / })).toHaveCount(0);
  await once.getByRole("button", { name: "Cancel" }).click();

  // It names the occurrence it skips as the row shows its due ("14 Dec").
  const due = taskRow(page, "Gym").locator("[data-due-day]");
  const dueText = async () => (await due.locator(":scope > span").first().innerText()).trim();
  await expect(due).toHaveAttribute("data-due-day", monday);
  const skipped = await dueText();
  const dialog = await openEditor(page, "Gym");
  await dialog.getByRole("button", { name: `Skip ${skipped}`, exact: true }).click();
  await expect(dialog).toHaveCount(0);
  // The toast names the new due as the row does.
  await expect(due).toHaveAttribute("data-due-day", nextMonday);
  await expect(toast(page, "Skipped “Gym”")).toContainText(`: next due ${await dueText()}`);
  await expect
    .poll(async () => (await getTask(request, baseURL!, headers, id)).due_on)
    .toBe(nextMonday);
  const completions = await request.get(`${baseURL}/api/v1/tasks/${id}/completions`, { headers });
  expect((await completions.json()).items).toEqual([]);

  await toast(page, "Skipped “Gym”").getByRole("button", { name: "Undo" }).click();
  await expect
    .poll(async () => (await getTask(request, baseURL!, headers, id)).due_on)
    .toBe(monday);
  await expect(due).toHaveAttribute("data-due-day", monday);
});

test("Undo after completing a repeating task puts its due back on the occurrence completed", async ({
  page,
  request,
  baseURL,
}) => {
  const [monday, nextMonday] = mondaysAhead(8);
  const { email, created, headers } = await accountWithTasks(request, baseURL!, "undo-roll", [
    { title: "Gym", due_on: monday, recurrence: "FREQ=WEEKLY;BYDAY=MO" },
  ]);
  const id = created[0]!.id;
  await logIn(page, email);
  const due = taskRow(page, "Gym").locator("[data-due-day]");
  await expect(due).toHaveAttribute("data-due-day", monday);

  await taskRow(page, "Gym").getByRole("checkbox", { name: "Complete “Gym”" }).click();
  // The API completes this occurrence and moves the task on to the next one.
  await expect
    .poll(async () => (await getTask(request, baseURL!, headers, id)).due_on)
    .toBe(nextMonday);
  await expect(due).toHaveAttribute("data-due-day", nextMonday);

  await toast(page, "Completed “Gym”").getByRole("button", { name: "Undo" }).click();
  await expect
    .poll(async () => (await getTask(request, baseURL!, headers, id)).due_on)
    .toBe(monday);
  await expect(due).toHaveAttribute("data-due-day", monday);
  expect((await getTask(request, baseURL!, headers, id)).status).toBe("pending");
});

test("completing a parent with two open subtasks asks; yes completes all three, Ctrl+Z reopens them", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, headers, parent } = await accountWithSubtasks(
    request,
    baseURL!,
    "parentdone",
    { title: "Plan the offsite" },
    [
      { title: "Book the venue", status: "pending" },
      { title: "Order catering", status: "in_progress" },
    ],
  );
  const statuses = async () => {
    const res = await request.get(`${baseURL}/api/v1/tasks?parent=${parent.id}&sort=title`, {
      headers,
    });
    const subs = ((await res.json()) as { items: ApiTask[] }).items.map((t) => t.status);
    return [(await getTask(request, baseURL!, headers, parent.id)).status, ...subs].join(" ");
  };
  await logIn(page, email);

  await taskRow(page, "Plan the offsite")
    .getByRole("checkbox", { name: "Complete “Plan the offsite”" })
    .click();
  const ask = toast(page, "Complete 2 open subtasks too?");
  await expect(ask).toBeVisible();
  // Asked, not applied: nothing changed on the server, the row is open again.
  expect(await statuses()).toBe("pending pending in_progress");
  await expect(
    taskRow(page, "Plan the offsite").getByRole("checkbox", { name: /^Complete “/ }),
  ).toHaveAttribute("aria-checked", "false");

  await ask.getByRole("button", { name: "Complete all" }).click();
  await expect.poll(statuses).toBe("done done done");

  await page.getByRole("heading", { name: "Tasks" }).click();
  await page.keyboard.press("Control+z");
  await expect.poll(statuses).toBe("pending pending in_progress");
  await expect(taskRow(page, "Plan the offsite")).toBeVisible();
});

test("cancelling the subtask question changes nothing", async ({ page, request, baseURL }) => {
  const { email, headers, parent } = await accountWithSubtasks(
    request,
    baseURL!,
    "parentcancel",
    { title: "Move flat" },
    [{ title: "Pack books" }],
  );
  await logIn(page, email);
  await taskRow(page, "Move flat").getByRole("checkbox", { name: "Complete “Move flat”" }).click();
  const ask = toast(page, "Complete 1 open subtask too?");
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(ask).toHaveCount(0);
  expect((await getTask(request, baseURL!, headers, parent.id)).status).toBe("pending");
  await expect(taskRow(page, "Move flat")).toBeVisible();
});

test.describe("a browser in Los Angeles, a profile in Berlin", () => {
  test.use({ timezoneId: "America/Los_Angeles" });

  test("registers in the browser's zone, then shows due days in the profile's zone", async ({
    page,
    request,
    baseURL,
  }) => {
    const email = uniqueEmail("zones");
    await page.goto("/register");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/tasks$/);

    const login = await request.post(`${baseURL}/api/v1/auth/login`, {
      data: { email, password: PASSWORD },
    });
    const headers = {
      Authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}`,
    };
    const me = async () =>
      (await (await request.get(`${baseURL}/api/v1/users/me`, { headers })).json()) as {
        time_zone: string;
      };
    expect((await me()).time_zone).toBe("America/Los_Angeles");

    const moved = await request.patch(`${baseURL}/api/v1/users/me`, {
      data: { time_zone: "Europe/Berlin" },
      headers,
    });
    expect(moved.status()).toBe(200);
    // 07:30 UTC on 10 February next year (no daylight saving in either zone then): 08:30 that
    // day in Berlin, 23:30 the day before in Los Angeles.
    const nextYear = new Date().getUTCFullYear() + 1;
    await seedTasks(request, baseURL!, email, [
      { title: "Call the notary", due_date: `${nextYear}-02-10T07:30:00Z` },
      // Yesterday in Berlin is overdue there even while the browser's Los Angeles day may differ.
      { title: "File the receipts", due_on: "2026-01-05" },
    ]);
    await page.reload();
    const timed = taskRow(page, "Call the notary");
    await expect(timed).toContainText(`10 Feb ${nextYear} 08:30`);
    await expect(timed).not.toContainText("9 Feb");
    await expect(taskRow(page, "File the receipts")).toContainText("Overdue: 5 Jan");
  });
});

for (const [viewport, size] of [
  ["desktop", { width: 1280, height: 900 }],
  ["phone", { width: 390, height: 844 }],
] as const) {
  test(`the repeat editor, light and dark, on a ${viewport}`, async ({
    page,
    request,
    baseURL,
  }) => {
    // Four full-page screenshots, each checked by axe: slow on a loaded machine.
    test.setTimeout(120_000);
    const { email } = await accountWithTasks(request, baseURL!, `repeatshots-${viewport}`, [
      { title: "Water the plants", due_on: "2026-12-03", recurrence: "FREQ=WEEKLY;BYDAY=MO,TH" },
      {
        title: "Pay the rent",
        due_on: "2026-12-31",
        recurrence: "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20271231",
      },
    ]);
    await page.setViewportSize(size);
    await logIn(page, email);
    const weekly = await openEditor(page, "Water the plants");
    await expect(weekly.getByLabel("Repeat", { exact: true })).toHaveValue("weekly");
    await expect(weekly.getByRole("button", { name: "Thursday" })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    await expect(weekly.getByText("Repeats every Monday and Thursday.")).toBeVisible();
    await shoot(page, `repeat-editor-weekly-${viewport}`);
    await weekly.getByRole("button", { name: "Cancel" }).click();
    await expect(weekly).toHaveCount(0);

    // UNTIL is beyond the form: shown raw as Custom, not rewritten.
    const custom = await openEditor(page, "Pay the rent");
    await expect(custom.getByLabel("Repeat", { exact: true })).toHaveValue("custom");
    await expect(custom.getByLabel("RRULE")).toHaveValue(
      "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20271231",
    );
    await shoot(page, `repeat-editor-custom-${viewport}`);
  });
}

test("a rule the API refuses comes back to the editor with everything typed, the field marked, and saves once fixed", async ({
  page,
  request,
  baseURL,
}) => {
  const { email, created, headers } = await accountWithTasks(request, baseURL!, "refused", [
    { title: "Water the plants", due_on: "2027-01-04" },
  ]);
  const id = created[0]!.id;
  await logIn(page, email);

  const dialog = await openEditor(page, "Water the plants");
  await dialog.getByLabel("Title").fill("Water the plants on the balcony");
  await dialog.getByLabel("Repeat", { exact: true }).selectOption({ label: "Custom (RRULE)" });
  await dialog.getByLabel("RRULE").fill("FREQ=HOURLY");
  await dialog.getByRole("button", { name: "Save" }).click();

  // The save is optimistic (the dialog closes); the API's 422 opens it again as the user left it.
  await expect(dialog.getByRole("alert").filter({ hasText: "Not saved" })).toHaveText(
    "Not saved: the server refused what is marked below.",
  );
  await expect(dialog.getByLabel("Title")).toHaveValue("Water the plants on the balcony");
  await expect(dialog.getByLabel("RRULE")).toHaveValue("FREQ=HOURLY");
  await expect(dialog.getByText(/^Must repeat at most daily/)).toBeVisible();
  // The marked field has the focus, and so is scrolled into view.
  await expect(dialog.getByLabel("Repeat", { exact: true })).toBeFocused();
  // Nothing of it was stored, and the list shows the task as stored.
  const stored = await getTask(request, baseURL!, headers, id);
  expect([stored.title, stored.recurrence]).toEqual(["Water the plants", null]);
  await expect(taskRow(page, "Water the plants")).toBeAttached();
  await shoot(page, "editor-refused-save");

  await dialog.getByLabel("RRULE").fill("FREQ=DAILY;INTERVAL=2");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect
    .poll(async () => {
      const t = await getTask(request, baseURL!, headers, id);
      return [t.title, t.recurrence];
    })
    .toEqual(["Water the plants on the balcony", "FREQ=DAILY;INTERVAL=2"]);
});
