import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useForm } from "react-hook-form";
import { describe, expect, it, vi } from "vitest";
import { forwardRef, type InputHTMLAttributes } from "react";
import { registerField } from "./registerField";

type Values = { name: string; address: { city: string } };

// lib/ sits below ui/, so the test renders its own minimal labelled field: an input described by
// the error it is given, as ui/LabelledInput does.
const Field = forwardRef<
  HTMLInputElement,
  InputHTMLAttributes<HTMLInputElement> & { id: string; label: string; error?: string }
>(function Field({ id, label, error, ...input }, ref) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        ref={ref}
        id={id}
        aria-invalid={error ? "true" : "false"}
        aria-describedby={error ? `${id}-error` : undefined}
        {...input}
      />
      {error && <p id={`${id}-error`}>{error}</p>}
    </>
  );
});

function Form({ submitted }: { submitted: (values: Values) => void }) {
  const form = useForm<Values>({ defaultValues: { name: "", address: { city: "" } } });
  return (
    <form noValidate onSubmit={form.handleSubmit(submitted)}>
      <Field
        id="name"
        label="Name"
        {...registerField(form, "name", { required: "Enter a name" })}
      />
      <Field
        id="city"
        label="City"
        {...registerField(form, "address.city", { required: "Enter a city" })}
      />
      <button type="submit">Save</button>
    </form>
  );
}

describe("registerField", () => {
  it("shows each field's own error, nested names included, and none once it is fixed", async () => {
    const submitted = vi.fn();
    render(<Form submitted={submitted} />);
    await userEvent.click(screen.getByRole("button", { name: "Save" }));

    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription("Enter a name");
    expect(screen.getByLabelText("City")).toHaveAccessibleDescription("Enter a city");
    expect(submitted).not.toHaveBeenCalled();

    await userEvent.type(screen.getByLabelText("Name"), "Ada");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "false");
    expect(screen.getByLabelText("City")).toHaveAccessibleDescription("Enter a city");
  });

  it("passes register's props on, so the typed values are submitted", async () => {
    const submitted = vi.fn();
    render(<Form submitted={submitted} />);
    await userEvent.type(screen.getByLabelText("Name"), "Ada");
    await userEvent.type(screen.getByLabelText("City"), "London");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(submitted).toHaveBeenCalledWith(
      { name: "Ada", address: { city: "London" } },
      expect.anything(),
    );
  });
});
