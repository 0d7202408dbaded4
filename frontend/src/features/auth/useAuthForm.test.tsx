import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { useAuthForm } from "./useAuthForm";

type Values = { email: string };

function Form({
  send,
  refusal,
}: {
  send: (values: Values) => Promise<void>;
  refusal: Parameters<typeof useAuthForm<Values>>[2];
}) {
  const { form, formError, onSubmit } = useAuthForm<Values>(
    { defaultValues: { email: "" } },
    send,
    refusal,
  );
  const fieldError = form.formState.errors.email?.message;
  return (
    <form noValidate onSubmit={onSubmit}>
      {formError && <p role="alert">{formError}</p>}
      <input aria-label="Email" {...form.register("email", { required: "Enter your email" })} />
      {fieldError && <p>{fieldError}</p>}
      <button type="submit">Send</button>
    </form>
  );
}

describe("useAuthForm", () => {
  it("does not send an invalid form", async () => {
    const send = vi.fn(() => Promise.resolve());
    render(<Form send={send} refusal={() => "refused"} />);
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(screen.getByText("Enter your email")).toBeInTheDocument();
    expect(send).not.toHaveBeenCalled();
  });

  it("shows the refusal of a failed send, and clears it when the next send succeeds", async () => {
    const send = vi
      .fn<(values: Values) => Promise<void>>()
      .mockRejectedValueOnce(new Error("429"))
      .mockResolvedValueOnce(undefined);
    render(<Form send={send} refusal={(e) => `Refused: ${(e as Error).message}`} />);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Refused: 429");
    expect(send).toHaveBeenCalledWith({ email: "ada@example.com" });

    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(send).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("leaves the form-level alert clear when the refusal is put on a field", async () => {
    const send = vi.fn(() => Promise.reject(new Error("taken")));
    render(
      <Form
        send={send}
        refusal={(_e, form) => {
          form.setError("email", { message: "That address is taken" });
          return null;
        }}
      />,
    );
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(await screen.findByText("That address is taken")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
