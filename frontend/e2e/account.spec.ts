import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createAccount, logIn } from "./helpers";

// The backend runs without SMTP and writes each mail as an .eml file (scripts/e2e-web.sh).
const MAIL_DIR = process.env.E2E_MAIL_DIR;

/** The decoded text of the newest mail to `to` with `subject`, once it has been written. */
async function mailTo(to: string, subject: string): Promise<string> {
  if (!MAIL_DIR) throw new Error("E2E_MAIL_DIR is not set: run the suite with scripts/e2e-web.sh");
  let found = "";
  await expect
    .poll(
      async () => {
        const names = await readdir(MAIL_DIR).catch(() => [] as string[]);
        for (const name of names.sort().reverse()) {
          const raw = await readFile(path.join(MAIL_DIR, name), "utf8");
          if (raw.includes(`To: ${to}`) && raw.includes(`Subject: ${subject}`)) {
            // Quoted-printable: soft line breaks and =XX escapes.
            found = raw
              .replace(/=\r?\n/g, "")
              .replace(/=([0-9A-F]{2})/g, (_, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              );
            return true;
          }
        }
        return false;
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  return found;
}

test("password reset through the mailed link: request, read the mail, set, log in", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "reset");
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me a link" }).click();
  await expect(page.getByText("If an account uses this address")).toBeVisible();

  const mail = await mailTo(email, "Reset your taskapp password");
  const link = /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(mail)?.[0];
  expect(link, mail).toBeTruthy();
  expect(new URL(link!).origin).toBe(new URL(baseURL!).origin);

  await page.goto(link!);
  const next = "a brand new passphrase";
  await page.getByLabel("New password").fill(next);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText("Password changed. Log in with your new password.")).toBeVisible();
  await logIn(page, email, next);

  // The link was single-use.
  await page.goto(link!);
  await page.getByLabel("New password").fill("yet another passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "This link was already used. Ask for a new one.",
  );
});
