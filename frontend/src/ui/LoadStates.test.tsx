import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { LoadError, Loading } from "./LoadStates";

describe("Loading", () => {
  it("is a status named by its label", () => {
    render(<Loading label="Loading the month" />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading the month");
  });
});

describe("LoadError", () => {
  it("says what failed and why, and retries on Try again", async () => {
    const onRetry = vi.fn();
    render(<LoadError title="Couldn’t load your tasks" message="Server error" onRetry={onRetry} />);
    expect(screen.getByRole("heading", { name: "Couldn’t load your tasks" })).toBeInTheDocument();
    expect(screen.getByText("Server error")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("offers no retry when none is given", () => {
    render(<LoadError title="Couldn’t load the calendar" message="Server error" />);
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });
});
