import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { User } from "@/api/types";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { json, mockApi, renderWith } from "@/test/utils";
import { DeleteAccountForm, EmailStatus, ExportForm } from "./AccountCare";

const ada: User = {
  id: "u1",
  email: "ada@example.com",
  full_name: "Ada",
  is_active: true,
  time_zone: "UTC",
  week_start: null,
  email_verified: false,
  created_at: "2026-01-01T00:00:00Z",
};

function withAuth(node: React.ReactNode, logout = vi.fn(async () => undefined)) {
  const value: AuthContextValue = {
    status: "authenticated",
    user: ada,
    notice: null,
    login: vi.fn(),
    register: vi.fn(),
    logout,
    setUser: vi.fn(),
  };
  renderWith(<AuthContext.Provider value={value}>{node}</AuthContext.Provider>);
  return { logout };
}

const FORBIDDEN = () =>
  json(
    {
      type: "urn:taskapp:problem:wrong-password",
      title: "Forbidden",
      status: 403,
      detail: "The password is incorrect.",
    },
    403,
  );

describe("account care in settings", () => {
  it("deletes the account only after the typed email and the password, then signs out", async () => {
    const user = userEvent.setup();
    let attempts = 0;
    const { calls } = mockApi({
      "DELETE /api/v1/users/me": () =>
        (attempts += 1) === 1 ? FORBIDDEN() : new Response(null, { status: 204 }),
    });
    const { logout } = withAuth(<DeleteAccountForm />);
    const button = screen.getByRole("button", { name: "Delete my account" });
    await user.type(screen.getByLabelText("Password"), "my password");
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText(/Type your email address/), "ADA@example.com");
    expect(button).toBeEnabled();

    await user.click(button);
    expect(await screen.findByText("The password is incorrect.")).toBeInTheDocument();
    expect(logout).not.toHaveBeenCalled();
    await user.click(button);
    await vi.waitFor(() => expect(logout).toHaveBeenCalledTimes(1));
    expect(calls.map((c) => JSON.parse(c.body) as unknown)).toEqual([
      { password: "my password" },
      { password: "my password" },
    ]);
  });

  it("downloads the export under the server's file name", async () => {
    const user = userEvent.setup();
    mockApi({
      "POST /api/v1/users/me/export": () =>
        new Response('{"format":"taskapp-export"}', {
          status: 200,
          headers: {
            "Content-Type": "application/json",
            "Content-Disposition": 'attachment; filename="taskapp-export-2026-12-01.json"',
          },
        }),
    });
    const createObjectURL = vi.fn(() => "blob:export");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      expect(this.download).toBe("taskapp-export-2026-12-01.json");
      expect(this.href).toBe("blob:export");
    });
    withAuth(<ExportForm />);
    await user.type(screen.getByLabelText("Password"), "my password");
    await user.click(screen.getByRole("button", { name: "Download my data" }));
    await vi.waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    click.mockRestore();
  });

  it("offers a new verification link while the address is unconfirmed", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "POST /api/v1/auth/verify-email/resend": () => json({ detail: "on its way" }, 202),
    });
    withAuth(<EmailStatus />);
    expect(screen.getByText("Not confirmed yet.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Send a new link" }));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
  });
});
