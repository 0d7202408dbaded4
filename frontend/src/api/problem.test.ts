import { describe, expect, it } from "vitest";
import { ApiError, errorMessage } from "./problem";

describe("ApiError", () => {
  it("reads an RFC 9457 problem with a 422 errors list", () => {
    const e = new ApiError(422, {
      type: "about:blank",
      title: "Unprocessable Content",
      status: 422,
      detail: "Invalid input: body.title",
      errors: [
        {
          field: "body.title",
          message: "String should have at least 1 character",
          type: "string_too_short",
        },
      ],
    });
    expect(e.status).toBe(422);
    expect(e.detail).toBe("Invalid input: body.title");
    expect(e.fieldError("title")).toBe("String should have at least 1 character");
    expect(e.fieldError("description")).toBeUndefined();
  });

  it("explains a network failure in words", () => {
    const e = new ApiError(0, null);
    expect(errorMessage(e)).toMatch(/Could not reach the server/);
  });
});
