import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useContext } from "react";
import { Route, Routes } from "react-router";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getAccessToken, setAccessToken } from "@/api/session";
import { json, mockApi, renderWith } from "@/test/utils";
import { AuthProvider } from "./AuthProvider";
import { AuthContext, resetSession } from "./context";
import ForgotPasswordPage from "./ForgotPasswordPage";
import { PublicOnly, RequireAuth } from "./guards";
import LoginPage from "./LoginPage";
import RegisterPage from "./RegisterPage";

const me = {
  id: "u1",
  email: "ada@example.com",
  full_name: "Ada",
  is_active: true,
  created_at: "2026-01-01T00:00:00Z",
};

function App({ route }: { route: string }) {
  return renderWith(
    <AuthProvider>
      <Routes>
        <Route
          path="/login"
          element={
            <PublicOnly>
              <LoginPage />
            </PublicOnly>
          }
        />
        <Route
          path="/forgot-password"
          element={
            <PublicOnly>
              <ForgotPasswordPage />
            </PublicOnly>
          }
        />
        <Route
          path="/register"
          element={
            <PublicOnly>
              <RegisterPage />
            </PublicOnly>
          }
        />
        <Route
          path="/tasks"
          element={
            <RequireAuth>
              <h1>My tasks</h1>
            </RequireAuth>
          }
        />
      </Routes>
    </AuthProvider>,
    { route },
  );
}

beforeEach(() => {
  resetSession();
  setAccessToken(null);
  localStorage.clear();
  sessionStorage.clear();
});

describe("authentication", () => {
  it("stays logged in across a reload through the refresh cookie, in one round trip", async () => {
    const { calls } = mockApi({
      "POST /api/v1/auth/refresh": () =>
        json({
          access_token: "fresh",
          refresh_token: "r",
          token_type: "bearer",
          expires_in: 60,
          user: me,
        }),
      "GET /api/v1/users/me": () => json(me),
    });
    App({ route: "/tasks" });
    expect(await screen.findByRole("heading", { name: "My tasks" })).toBeInTheDocument();
    expect(calls[0]!.path).toBe("/api/v1/auth/refresh");
    expect(getAccessToken()).toBe("fresh");
    // The refresh answered with the account: nothing waits on a second request for it.
    expect(calls.filter((c) => c.path === "/api/v1/users/me")).toHaveLength(0);
  });

  it("sends an anonymous visitor to the login page", async () => {
    mockApi({
      "POST /api/v1/auth/refresh": () =>
        json({ title: "Unauthorized", status: 401, detail: "no session" }, 401),
    });
    App({ route: "/tasks" });
    expect(await screen.findByRole("heading", { name: "Welcome back" })).toBeInTheDocument();
    expect(screen.queryByText("My tasks")).not.toBeInTheDocument();
  });

  it("validates the form, reports a wrong password, then logs in and keeps the token out of storage", async () => {
    const user = userEvent.setup();
    mockApi({
      "POST /api/v1/auth/refresh": () =>
        json({ title: "Unauthorized", status: 401, detail: "no session" }, 401),
      "POST /api/v1/auth/login": async (req) => {
        const body = (await req.json()) as { password: string };
        return body.password === "right password"
          ? json({
              access_token: "access-xyz",
              refresh_token: "refresh-xyz",
              token_type: "bearer",
              expires_in: 1800,
              user: me,
            })
          : json(
              { title: "Unauthorized", status: 401, detail: "Incorrect email or password" },
              401,
            );
      },
      "GET /api/v1/users/me": (req) =>
        req.headers.get("Authorization") === "Bearer access-xyz"
          ? json(me)
          : json({ status: 401 }, 401),
    });
    App({ route: "/tasks" });
    await user.click(await screen.findByRole("button", { name: "Log in" }));
    expect(screen.getByText("Enter a valid email address")).toBeInTheDocument();
    // The field says what is wrong with it to a screen reader, not only on screen.
    expect(screen.getByLabelText("Email")).toHaveAccessibleDescription(
      "Enter a valid email address",
    );
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password.");
    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), "right password");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { name: "My tasks" })).toBeInTheDocument();
    const stored = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    expect(stored).not.toContain("access-xyz");
    expect(stored).not.toContain("refresh-xyz");
  });

  it("tells the user when the login is locked out", async () => {
    const user = userEvent.setup();
    mockApi({
      "POST /api/v1/auth/refresh": () => json({ status: 401 }, 401),
      "POST /api/v1/auth/login": () =>
        json({ title: "Too Many Requests", status: 429, detail: "locked" }, 429, {
          "Retry-After": "900",
        }),
    });
    App({ route: "/login" });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "whatever1");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    await waitFor(() =>
      expect(screen.getByRole("alert")).toHaveTextContent(/Too many failed attempts/),
    );
  });
});

describe("moving between the login, register and recovery pages", () => {
  it("carries the email typed so far, so it is not typed twice", async () => {
    const user = userEvent.setup();
    mockApi({ "POST /api/v1/auth/refresh": () => json({ status: 401 }, 401) });
    App({ route: "/login" });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.click(screen.getByRole("link", { name: "Forgot password?" }));
    expect(screen.getByRole("heading", { name: "Forgot your password?" })).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.com");

    // Corrected here, it goes back corrected; and on to the register page.
    await user.clear(screen.getByLabelText("Email"));
    await user.type(screen.getByLabelText("Email"), "ada@example.org");
    await user.click(screen.getByRole("link", { name: "Back to log in" }));
    expect(screen.getByRole("heading", { name: "Welcome back" })).toBeInTheDocument();
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.org");
    await user.click(screen.getByRole("link", { name: "Create an account" }));
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.org");
    await user.click(screen.getByRole("link", { name: "Log in" }));
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.org");
    // Nothing typed: the next page starts empty, never with an earlier address.
    await user.clear(screen.getByLabelText("Email"));
    await user.click(screen.getByRole("link", { name: "Forgot password?" }));
    expect(screen.getByLabelText("Email")).toHaveValue("");
  });
});

describe("keyboard shortcuts", () => {
  it("fire outside inputs and never while typing", async () => {
    const { useShortcuts } = await import("@/lib/useShortcuts");
    const onNew = vi.fn();
    function Harness() {
      useShortcuts({ n: onNew });
      return <input aria-label="Title" />;
    }
    const user = userEvent.setup();
    renderWith(<Harness />);
    await user.keyboard("n");
    expect(onNew).toHaveBeenCalledTimes(1);
    await user.type(screen.getByLabelText("Title"), "new note");
    expect(onNew).toHaveBeenCalledTimes(1);
  });
});

describe("a new account's time zone (issue 18)", () => {
  function Register() {
    const auth = useContext(AuthContext)!;
    return (
      <button type="button" onClick={() => void auth.register("ada@example.com", "pw", "Ada")}>
        register
      </button>
    );
  }
  const signUp = async (routes: Parameters<typeof mockApi>[0]) => {
    const { calls } = mockApi({
      "POST /api/v1/auth/refresh": () => json({ status: 401 }, 401),
      "POST /api/v1/auth/login": () =>
        json({
          access_token: "a",
          refresh_token: "r",
          token_type: "bearer",
          expires_in: 60,
          user: me,
        }),
      ...routes,
    });
    renderWith(
      <AuthProvider>
        <Register />
      </AuthProvider>,
    );
    await userEvent.setup().click(await screen.findByRole("button", { name: "register" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/auth/login")).toBe(true));
    return calls
      .filter((c) => c.path === "/api/v1/auth/register")
      .map((c) => JSON.parse(c.body) as Record<string, unknown>);
  };
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  it("registers in the browser's zone", async () => {
    const bodies = await signUp({ "POST /api/v1/auth/register": () => json(me, 201) });
    expect(bodies).toEqual([
      { email: "ada@example.com", password: "pw", full_name: "Ada", time_zone: zone },
    ]);
  });

  it("falls back to UTC (no zone sent) when the server does not know the browser's zone", async () => {
    const bodies = await signUp({
      "POST /api/v1/auth/register": async (req) =>
        "time_zone" in ((await req.json()) as object)
          ? json(
              {
                title: "Unprocessable",
                status: 422,
                detail: "invalid",
                errors: [{ field: "body.time_zone", message: "must be an IANA time zone" }],
              },
              422,
            )
          : json(me, 201),
    });
    expect(bodies).toEqual([
      { email: "ada@example.com", password: "pw", full_name: "Ada", time_zone: zone },
      { email: "ada@example.com", password: "pw", full_name: "Ada" },
    ]);
  });
});
