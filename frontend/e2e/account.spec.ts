import { expect, test } from "@playwright/test";
import { createAccount, logIn, mailTo } from "./helpers";

test("password reset through the mailed link: request, read the mail, set, log in", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await createAccount(request, baseURL!, "reset");
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("link", { name: "Forgot password?" }).click();
  // The login page stays on screen until the recovery page's code has loaded: a fill before
  // this heading showed went into the login page's field (seen on a cold server).
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  // The address typed on the login page came along.
  await expect(page.getByLabel("Email")).toHaveValue(email);
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
