// react-hook-form's own rules, not a zod schema: zod would add ~30 kB gzipped to the first screen
// (issue 18, point 9). The server has the last word on the address anyway.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The rules of the log-in and forgot-password email fields, for react-hook-form's `register`. */
export const emailRules = {
  required: "Enter a valid email address",
  pattern: { value: EMAIL, message: "Enter a valid email address" },
} as const;
