import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { makeTask, mockTaskStore, renderWith } from "@/test/utils";
import BoardPage from "./BoardPage";

beforeEach(() => setAccessToken("token"));

const renderBoard = () =>
  renderWith(
    <Routes>
      <Route path="/board" element={<BoardPage />} />
    </Routes>,
    { route: "/board" },
  );

describe("the board by keyboard", () => {
  it("→ moves the focused card one whole column in one press and keeps it focused", async () => {
    const user = userEvent.setup();
    const { calls } = mockTaskStore([makeTask({ title: "Paint the fence" })]);
    renderBoard();
    const edit = await screen.findByRole("button", { name: "Edit “Paint the fence”" });
    edit.focus();
    await user.keyboard("{ArrowRight}");
    const inProgress = screen.getByTestId("column-in_progress");
    await waitFor(() =>
      expect(
        within(inProgress).getByRole("button", { name: "Edit “Paint the fence”" }),
      ).toHaveFocus(),
    );
    const patches = calls.filter((c) => c.method === "PATCH");
    expect(patches.map((c) => JSON.parse(c.body))).toEqual([{ status: "in_progress" }]);
    await user.keyboard("{ArrowLeft}");
    const pending = screen.getByTestId("column-pending");
    await waitFor(() =>
      expect(within(pending).getByRole("button", { name: "Edit “Paint the fence”" })).toHaveFocus(),
    );
  });

  it("j and k move the focus from card to card", async () => {
    const user = userEvent.setup();
    mockTaskStore([
      makeTask({ title: "First" }),
      makeTask({ title: "Second", status: "in_progress" }),
    ]);
    renderBoard();
    await screen.findByRole("button", { name: "Edit “Second”" });
    await user.keyboard("j");
    expect(screen.getByRole("button", { name: "Edit “First”" })).toHaveFocus();
    await user.keyboard("j");
    expect(screen.getByRole("button", { name: "Edit “Second”" })).toHaveFocus();
    await user.keyboard("k");
    expect(screen.getByRole("button", { name: "Edit “First”" })).toHaveFocus();
  });
});

describe("completed tasks on the board", () => {
  it("the Done column is collapsed with its count until completed tasks are shown", async () => {
    const user = userEvent.setup();
    mockTaskStore([
      makeTask({ title: "Filed the taxes", status: "done" }),
      makeTask({ title: "Open" }),
    ]);
    renderBoard();
    const done = screen.getByTestId("column-done");
    expect(await within(done).findByRole("heading", { name: /^Done\s*1$/ })).toBeInTheDocument();
    expect(within(done).queryByText("Filed the taxes")).not.toBeInTheDocument();
    await user.click(within(done).getByRole("button", { name: "Show completed" }));
    expect(await within(done).findByText("Filed the taxes")).toBeInTheDocument();
  });
});
