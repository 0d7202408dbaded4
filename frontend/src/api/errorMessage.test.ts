import { describe, expect, it } from "vitest";
import { ApiError, errorMessage } from "./problem";

describe("errorMessage with the caller's words per status", () => {
  const words = { 401: "Wrong email or password.", 429: "Too many attempts." };

  it("uses the caller's sentence for a status it names", () => {
    expect(errorMessage(new ApiError(429, { detail: "locked" }), words)).toBe("Too many attempts.");
    expect(errorMessage(new ApiError(401, { detail: "no session" }), words)).toBe(
      "Wrong email or password.",
    );
  });

  it("falls back to the problem's detail for any other status", () => {
    expect(errorMessage(new ApiError(500, { detail: "Database unavailable" }), words)).toBe(
      "Database unavailable",
    );
  });

  it("keeps the network-failure sentence when status 0 is not named", () => {
    expect(errorMessage(new ApiError(0, null), words)).toMatch(/Could not reach the server/);
  });

  it("reads a plain error's message, whatever the map says", () => {
    expect(errorMessage(new Error("boom"), words)).toBe("boom");
    expect(errorMessage("not an error", words)).toBe("Something went wrong.");
  });
});
