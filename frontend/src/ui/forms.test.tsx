import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useForm } from "react-hook-form";
import { describe, expect, it, vi } from "vitest";
import { FormAlert } from "./FormAlert";
import { EmailField } from "./LabelledInput";
import { PasswordField } from "./PasswordField";

describe("PasswordField", () => {
  it("is a labelled password input described by its hint while there is no error", () => {
    render(<PasswordField id="pw" label="Password" autoComplete="new-password" hint="8+ chars" />);
    const input = screen.getByLabelText("Password");
    expect(input).toHaveAttribute("type", "password");
    expect(input).toHaveAttribute("autocomplete", "new-password");
    expect(input).toHaveAccessibleDescription("8+ chars");
    expect(input).toHaveAttribute("aria-invalid", "false");
  });

  it("is invalid and described by its error, which replaces the hint", () => {
    render(
      <PasswordField
        id="pw"
        label="Password"
        autoComplete="new-password"
        hint="8+ chars"
        error="Use at least 8 characters"
      />,
    );
    const input = screen.getByLabelText("Password");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("Use at least 8 characters");
    expect(screen.getByRole("alert")).toHaveTextContent("Use at least 8 characters");
    expect(screen.queryByText("8+ chars")).not.toBeInTheDocument();
  });

  it("takes react-hook-form's register props, ref included", async () => {
    const submitted = vi.fn();
    function Form() {
      const { register, handleSubmit } = useForm<{ secret: string }>();
      return (
        <form onSubmit={handleSubmit(submitted)}>
          <PasswordField
            id="s"
            label="Secret"
            autoComplete="current-password"
            {...register("secret")}
          />
          <button type="submit">Go</button>
        </form>
      );
    }
    render(<Form />);
    await userEvent.type(screen.getByLabelText("Secret"), "hunter22");
    await userEvent.click(screen.getByRole("button", { name: "Go" }));
    expect(submitted).toHaveBeenCalledWith({ secret: "hunter22" }, expect.anything());
  });
});

describe("EmailField", () => {
  it("is a labelled email input that password managers fill, described by its error", () => {
    const { rerender } = render(<EmailField id="email" label="Email" />);
    const input = screen.getByLabelText("Email");
    expect(input).toHaveAttribute("type", "email");
    expect(input).toHaveAttribute("autocomplete", "email");
    expect(input).toHaveAttribute("aria-invalid", "false");
    expect(input).not.toHaveAttribute("aria-describedby");
    rerender(<EmailField id="email" label="Email" error="Enter a valid email address" />);
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("Enter a valid email address");
  });
});

describe("FormAlert", () => {
  it("announces an error at once and a notice politely", () => {
    render(
      <>
        <FormAlert>Wrong email or password.</FormAlert>
        <FormAlert tone="notice">Account created.</FormAlert>
      </>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Wrong email or password.");
    expect(screen.getByRole("status")).toHaveTextContent("Account created.");
  });
});
