import { z } from "zod";

/** The server's password rule, shown next to every new-password field. */
export const PASSWORD_RULE = "8 to 128 characters.";
export const passwordSchema = z
  .string()
  .min(8, "Use at least 8 characters")
  .max(128, "Use at most 128 characters");
