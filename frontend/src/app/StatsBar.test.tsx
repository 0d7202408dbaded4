import { screen, waitFor } from "@testing-library/react";
import { beforeEach, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, mockApi, renderWith } from "@/test/utils";
import { STATUS_LABEL } from "@/features/tasks/statusPriorityDisplay";
import { StatsBar } from "./StatsBar";

beforeEach(() => setAccessToken("token"));

it("names the todo status as everywhere else in the app", async () => {
  mockApi({
    "GET /api/v1/tasks/stats": () =>
      json({ total: 3, by_status: { pending: 2, in_progress: 1, done: 0 }, overdue: 0 }),
  });
  renderWith(<StatsBar />);
  const link = await screen.findByTestId("stat-open");
  await waitFor(() => expect(link).toHaveTextContent(`2${STATUS_LABEL.pending}`));
  expect(link).toHaveAttribute("href", "/tasks?status=pending");
});
