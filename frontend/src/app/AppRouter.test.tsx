import { act, fireEvent, render, screen } from "@testing-library/react";
import { lazy, Suspense, use } from "react";
import { Link, Route, Routes, useSearchParams } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppRouter } from "./AppRouter";

// A promise that never settles: whatever reads it stays suspended.
const never = new Promise<never>(() => {});

/** The Calendar's case: a month that has to load suspends the page. */
function Month() {
  const [params, setParams] = useSearchParams();
  const month = params.get("month") ?? "1";
  if (month === "2") use(never);
  return (
    <>
      <p>Month {month}</p>
      <button onClick={() => setParams({ month: "2" })}>Next month</button>
      <Link to="/slow">Slow page</Link>
    </>
  );
}

function Crash(): never {
  throw new Error("Rendering the board failed");
}

const SlowPage = lazy(() => never);

function show(path: string) {
  window.history.replaceState(null, "", path);
  return render(
    <AppRouter>
      <Suspense fallback={<p>Loading the page</p>}>
        <Routes>
          <Route path="/calendar" element={<Month />} />
          <Route path="/slow" element={<SlowPage />} />
          <Route path="/board" element={<Crash />} />
          <Route path="/tasks" element={<p>Your tasks</p>} />
        </Routes>
      </Suspense>
    </AppRouter>,
  );
}

afterEach(() => window.history.replaceState(null, "", "/"));

describe("AppRouter", () => {
  it("renders a change of the page's query at once, not in a transition", async () => {
    show("/calendar");
    await act(async () => screen.getByRole("button", { name: "Next month" }).click());
    // In a transition React would have kept "Month 1" up while month 2 suspends.
    expect(screen.getByText("Loading the page")).toBeInTheDocument();
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    expect(window.location.search).toBe("?month=2");
  });

  it("renders another page in a transition: the old page stays while the new one loads", () => {
    show("/calendar");
    fireEvent.click(screen.getByRole("link", { name: "Slow page" }));
    expect(window.location.pathname).toBe("/slow");
    expect(screen.getByText("Month 1")).toBeInTheDocument();
    expect(screen.queryByText("Loading the page")).not.toBeInTheDocument();
    // ...and a bar says the new one is on its way.
    expect(screen.getByRole("progressbar", { name: "Opening the page" })).toBeInTheDocument();
  });

  it("follows the browser's Back button", async () => {
    show("/calendar");
    await act(async () => screen.getByRole("button", { name: "Next month" }).click());
    await act(async () => {
      const popped = new Promise((done) =>
        window.addEventListener("popstate", done, { once: true }),
      );
      window.history.back();
      await popped;
    });
    expect(window.location.search).toBe("");
    expect(screen.getByText("Month 1")).toBeInTheDocument();
  });

  it("shows a page that crashed with its error and a way on, and tries again at the next address", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    show("/board");
    expect(screen.getByRole("heading", { name: "This page could not be shown" })).toBeVisible();
    expect(screen.getByRole("alert")).toHaveTextContent("Rendering the board failed");
    expect(screen.getByRole("button", { name: "Reload the page" })).toBeVisible();

    fireEvent.click(screen.getByRole("link", { name: "Go to your tasks" }));
    expect(screen.getByText("Your tasks")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    logged.mockRestore();
  });
});
