import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import { json, mockApi, renderWith } from "@/test/utils";
import ForgotPasswordPage from "./ForgotPasswordPage";
import ResetPasswordPage from "./ResetPasswordPage";
import VerifyEmailPage from "./VerifyEmailPage";

function LoginStub() {
  const state = useLocation().state as { passwordReset?: boolean } | null;
  return <h1>{state?.passwordReset ? "Login after reset" : "Login"}</h1>;
}

function App({ route }: { route: string }) {
  return renderWith(
    <Routes>
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/verify-email" element={<VerifyEmailPage />} />
      <Route path="/login" element={<LoginStub />} />
    </Routes>,
    { route },
  );
}

const SAME_ANSWER = "If an account uses this address, a link to reset its password is on its way.";

describe("password reset and email verification", () => {
  it("asks for a reset link and shows the server's one answer", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "POST /api/v1/auth/password-reset": () => json({ detail: SAME_ANSWER }, 202),
    });
    App({ route: "/forgot-password" });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.click(screen.getByRole("button", { name: "Send me a link" }));
    // (a spinner is a status too while the request runs: wait for the answer's text)
    expect(await screen.findByText(SAME_ANSWER)).toHaveAttribute("role", "status");
    expect(JSON.parse(calls[0]!.body)).toEqual({ email: "ada@example.com" });
  });

  it("sets the new password with the link's token, then sends the user to log in", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "POST /api/v1/auth/password-reset/confirm": () => new Response(null, { status: 204 }),
    });
    App({ route: "/reset-password?token=tok-123" });
    await user.type(await screen.findByLabelText("New password"), "a fresh passphrase");
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect(await screen.findByRole("heading", { name: "Login after reset" })).toBeInTheDocument();
    expect(JSON.parse(calls[0]!.body)).toEqual({
      token: "tok-123",
      new_password: "a fresh passphrase",
    });
  });

  it("says why a spent link is refused", async () => {
    const user = userEvent.setup();
    mockApi({
      "POST /api/v1/auth/password-reset/confirm": () =>
        json(
          {
            type: "urn:taskapp:problem:invalid-link-token",
            title: "Invalid link",
            status: 400,
            detail: "This link was already used. Ask for a new one.",
          },
          400,
        ),
    });
    App({ route: "/reset-password?token=tok-123" });
    await user.type(await screen.findByLabelText("New password"), "a fresh passphrase");
    await user.click(screen.getByRole("button", { name: "Set new password" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This link was already used. Ask for a new one.",
    );
  });

  it("confirms an address with a click, not on load", async () => {
    const user = userEvent.setup();
    const { calls } = mockApi({
      "POST /api/v1/auth/verify-email": () => new Response(null, { status: 204 }),
    });
    App({ route: "/verify-email?token=tok-9" });
    const button = await screen.findByRole("button", { name: "Confirm my address" });
    expect(calls).toHaveLength(0);
    await user.click(button);
    expect(await screen.findByText("Your email address is confirmed.")).toHaveAttribute(
      "role",
      "status",
    );
    expect(JSON.parse(calls[0]!.body)).toEqual({ token: "tok-9" });
  });
});
