import { describe, expect, it } from "vitest";
import { emailRules } from "./emailRules";

describe("emailRules", () => {
  it.each(["ada@example.com", "a.b+c@mail.example.org"])("takes %s", (address) => {
    expect(emailRules.pattern.value.test(address)).toBe(true);
  });

  it.each(["ada", "ada@", "ada@example", "ada @example.com", "@example.com"])(
    "refuses %s",
    (address) => {
      expect(emailRules.pattern.value.test(address)).toBe(false);
    },
  );

  it("asks for an address when the field is empty", () => {
    expect(emailRules.required).toBe("Enter a valid email address");
  });
});
