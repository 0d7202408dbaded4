import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { AuthForm } from "./AuthLayout";

describe("AuthForm", () => {
  it("shows the server's complaint as an alert before the form", () => {
    const { container } = render(
      <AuthForm error="Wrong email or password." onSubmit={vi.fn(() => Promise.resolve())}>
        <input aria-label="Email" />
      </AuthForm>,
    );
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("Wrong email or password.");
    expect(alert.nextElementSibling).toBe(container.querySelector("form"));
  });

  it("shows no alert while there is no complaint", () => {
    render(
      <AuthForm error={null} onSubmit={vi.fn(() => Promise.resolve())}>
        <input aria-label="Email" />
      </AuthForm>,
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("submits to the handler without the browser's own validation", async () => {
    const onSubmit = vi.fn((e: { preventDefault: () => void }) => {
      e.preventDefault();
      return Promise.resolve();
    });
    const { container } = render(
      <AuthForm error={null} onSubmit={onSubmit}>
        <input aria-label="Email" type="email" required />
        <button type="submit">Send</button>
      </AuthForm>,
    );
    expect(container.querySelector("form")).toHaveAttribute("novalidate");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(onSubmit).toHaveBeenCalledOnce();
  });
});
