import { expect, test } from "@playwright/test";
import { PASSWORD, signedIn } from "./helpers";

test("settings: rename yourself and change the password with the server's rules inline", async ({
  page,
  request,
  baseURL,
}) => {
  const email = await signedIn(page, request, baseURL!, "settings");
  await page.getByRole("link", { name: "Settings" }).first().click();

  await page.getByLabel("Name", { exact: true }).fill("Grace Hopper");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Profile saved")).toBeVisible();
  await expect(page.getByRole("button", { name: "Account menu for Grace Hopper" })).toHaveText(
    "GH",
  );

  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("Confirm new password").fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Use at least 8 characters")).toBeVisible();

  const next = "a much better passphrase";
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The current password is incorrect.")).toBeVisible();

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();

  // This session survives the change; the new password works for the next login.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await page.getByRole("button", { name: /Account menu/ }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(next);
  await page.getByRole("button", { name: "Log in" }).click();
  // Back where the user was.
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});
