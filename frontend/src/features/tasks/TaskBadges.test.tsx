import { render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthContext, type AuthContextValue } from "@/features/auth/context";
import { makeTask } from "@/test/utils";
import { DueBadge, SubtaskCount } from "./TaskBadges";

// Kiritimati (UTC+14) is a day ahead of nearly every browser zone: at 20:00 UTC on 1 Dec it is
// already 10:00 on the 2nd there.
const PROFILE_ZONE = "Pacific/Kiritimati";

function badge(task: ReturnType<typeof makeTask>) {
  const auth = { user: { time_zone: PROFILE_ZONE } } as AuthContextValue;
  return render(
    <AuthContext.Provider value={auth}>
      <DueBadge task={task} />
    </AuthContext.Provider>,
  );
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-01T20:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("DueBadge follows the profile's zone, not the browser's", () => {
  it("yesterday's due day in the profile zone is overdue", () => {
    badge(makeTask({ due_on: "2026-12-01", due_date: null, status: "pending" }));
    expect(screen.getByText("Overdue:").parentElement).toHaveTextContent("Overdue: Yesterday");
  });

  it("a due time shows on its day in the profile zone", () => {
    // 23:30 UTC on the 1st is 13:30 on the 2nd on Kiritimati: today there, not overdue.
    badge(makeTask({ due_on: null, due_date: "2026-12-01T23:30:00Z", status: "pending" }));
    expect(screen.queryByText("Overdue:")).not.toBeInTheDocument();
    expect(screen.getByText(/^Today \d/)).toBeInTheDocument();
  });
});

describe("DueBadge says when a task repeats", () => {
  it("a recurring task's badge reads and shows its rule", () => {
    badge(makeTask({ due_on: "2026-12-07", due_date: null, recurrence: "FREQ=WEEKLY;BYDAY=MO" }));
    const mark = screen.getByText(". Repeats every Monday").parentElement!;
    expect(mark).toHaveAttribute("title", "Repeats every Monday");
    expect(mark.querySelector("svg.lucide-repeat")).not.toBeNull();
    const due = mark.parentElement!;
    expect(due).toHaveTextContent(/^Monday\. Repeats every Monday$/);
    expect(due).toHaveAttribute("title", "Monday, December 7, 2026");
  });

  it("a one-off task's badge says nothing of repeating", () => {
    badge(makeTask({ due_on: "2026-12-07", due_date: null, recurrence: null }));
    expect(screen.queryByText(/Repeats/)).not.toBeInTheDocument();
    expect(document.querySelector("svg.lucide-repeat")).toBeNull();
    expect(document.querySelector("[title]")).toHaveAttribute("title", "Monday, December 7, 2026");
  });
});

describe("SubtaskCount", () => {
  it("reads as done of all subtasks", () => {
    render(<SubtaskCount task={makeTask({ subtask_count: 3, subtask_done_count: 1 })} />);
    expect(screen.getByText("Subtasks done:").parentElement).toHaveTextContent(
      "Subtasks done: 1/3",
    );
  });

  it("shows nothing for a task without subtasks", () => {
    const { container } = render(<SubtaskCount task={makeTask({ subtask_count: 0 })} />);
    expect(container).toBeEmptyDOMElement();
  });
});
