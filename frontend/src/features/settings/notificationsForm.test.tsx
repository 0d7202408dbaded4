import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { setAccessToken } from "@/api/session";
import { json, mockApi, renderWith } from "@/test/utils";
import { NotificationsForm } from "./NotificationsForm";

beforeEach(() => setAccessToken("token"));

function serve(digest: number | null) {
  return mockApi({
    "GET /api/v1/notifications/settings": () => json({ digest_hour: digest }),
    "PUT /api/v1/notifications/settings": async (req) => {
      digest = ((await req.json()) as { digest_hour: number | null }).digest_hour;
      return json({ digest_hour: digest });
    },
  });
}

describe("the daily digest setting", () => {
  it("shows the saved hour and turns the digest off", async () => {
    const user = userEvent.setup();
    const { calls } = serve(8);
    renderWith(<NotificationsForm />);
    const select = await screen.findByLabelText("Daily digest");
    expect(select).toHaveValue("8");
    const save = screen.getByRole("button", { name: "Save notifications" });
    expect(save).toBeDisabled();
    await user.selectOptions(select, "Off");
    await user.click(save);
    await waitFor(() => expect(save).toBeDisabled());
    expect(select).toHaveValue("");
    expect(calls.filter((c) => c.method === "PUT").map((c) => JSON.parse(c.body))).toEqual([
      { digest_hour: null },
    ]);
  });

  it("turns it on at a chosen hour", async () => {
    const user = userEvent.setup();
    const { calls } = serve(null);
    renderWith(<NotificationsForm />);
    const select = await screen.findByLabelText("Daily digest");
    expect(select).toHaveValue("");
    await user.selectOptions(select, "07:00");
    await user.click(screen.getByRole("button", { name: "Save notifications" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "PUT").map((c) => JSON.parse(c.body))).toEqual([
        { digest_hour: 7 },
      ]),
    );
  });
});
