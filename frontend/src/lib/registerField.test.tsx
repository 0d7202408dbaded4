import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useForm } from "react-hook-form";
import { describe, expect, it, vi } from "vitest";
import { LabelledInput } from "@/ui/LabelledInput";
import { registerField } from "./registerField";

type Values = { name: string; address: { city: string } };

function Form({ submitted }: { submitted: (values: Values) => void }) {
  const form = useForm<Values>({ defaultValues: { name: "", address: { city: "" } } });
  return (
    <form noValidate onSubmit={form.handleSubmit(submitted)}>
      <LabelledInput
        id="name"
        label="Name"
        {...registerField(form, "name", { required: "Enter a name" })}
      />
      <LabelledInput
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
