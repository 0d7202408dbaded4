import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ActionSelect } from "./ActionSelect";

const OPTIONS = [
  { value: "10", label: "10 minutes" },
  { value: "60", label: "1 hour" },
];

describe("ActionSelect", () => {
  it("is a named select that shows its prompt, which cannot be picked", () => {
    render(<ActionSelect label="Snooze" prompt="Snooze…" options={OPTIONS} onPick={() => {}} />);
    const select = screen.getByRole("combobox", { name: "Snooze" });
    expect(select).toHaveDisplayValue("Snooze…");
    expect(screen.getByRole("option", { name: "Snooze…" })).toBeDisabled();
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Snooze…",
      "10 minutes",
      "1 hour",
    ]);
  });

  it("hands on each pick and goes back to the prompt, so a choice can be picked again", async () => {
    const onPick = vi.fn();
    render(<ActionSelect label="Snooze" prompt="Snooze…" options={OPTIONS} onPick={onPick} />);
    const select = screen.getByRole("combobox", { name: "Snooze" });
    await userEvent.selectOptions(select, "1 hour");
    expect(select).toHaveDisplayValue("Snooze…");
    await userEvent.selectOptions(select, "1 hour");
    expect(onPick.mock.calls).toEqual([["60"], ["60"]]);
  });

  it("picks nothing while disabled", () => {
    render(
      <ActionSelect label="Snooze" prompt="Snooze…" options={OPTIONS} onPick={() => {}} disabled />,
    );
    expect(screen.getByRole("combobox", { name: "Snooze" })).toBeDisabled();
  });

  it("by a key on the closed menu only shows the choice: Enter picks it, Escape or leaving drops it", () => {
    const onPick = vi.fn();
    render(<ActionSelect label="Snooze" prompt="Snooze…" options={OPTIONS} onPick={onPick} />);
    const select = screen.getByRole("combobox", { name: "Snooze" });
    // ArrowDown changes a closed select's value as its default action, in the same task.
    const arrowTo = (value: string) => {
      fireEvent.keyDown(select, { key: "ArrowDown" });
      fireEvent.change(select, { target: { value } });
    };
    arrowTo("10");
    arrowTo("60");
    expect(select).toHaveDisplayValue("1 hour");
    expect(onPick).not.toHaveBeenCalled();
    const escape = fireEvent.keyDown(select, { key: "Escape" });
    expect(escape).toBe(false); // handled here: the page's Escape (clear a selection) is not run
    expect(select).toHaveDisplayValue("Snooze…");

    arrowTo("10");
    fireEvent.blur(select);
    expect(select).toHaveDisplayValue("Snooze…");
    arrowTo("60");
    fireEvent.keyDown(select, { key: "Enter" });
    expect(onPick.mock.calls).toEqual([["60"]]);
    expect(select).toHaveDisplayValue("Snooze…");
  });
});
