import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { makeTask, mockTaskStore, renderWith } from "@/test/utils";
import BoardPage from "./BoardPage";

beforeEach(() => setAccessToken("token"));

describe("a board card's move buttons", () => {
  it("offers the columns on either side, each arrow pointing its way, and moves there", async () => {
    const user = userEvent.setup();
    const { calls } = mockTaskStore([
      makeTask({ title: "Paint the fence", status: "in_progress" }),
    ]);
    renderWith(
      <Routes>
        <Route path="/board" element={<BoardPage />} />
      </Routes>,
      { route: "/board" },
    );
    const back = await screen.findByRole("button", { name: "Move “Paint the fence” to To do" });
    const on = screen.getByRole("button", { name: "Move “Paint the fence” to Done" });
    expect(back.querySelector("svg")).toHaveClass("lucide-chevron-left");
    expect(on.querySelector("svg")).toHaveClass("lucide-chevron-right");

    await user.click(back);
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "PATCH").map((c) => JSON.parse(c.body))).toEqual([
        { status: "pending" },
      ]),
    );
    // In the first column only the way on is offered, pointing right.
    const onAgain = await screen.findByRole("button", {
      name: "Move “Paint the fence” to In progress",
    });
    expect(onAgain.querySelector("svg")).toHaveClass("lucide-chevron-right");
    expect(screen.queryByRole("button", { name: /to To do$/ })).not.toBeInTheDocument();
  });
});
