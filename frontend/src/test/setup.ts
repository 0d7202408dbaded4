import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";
import { clearToastMock } from "./sonner";

// Toasts are asserted through toastMock (./sonner.ts); no test renders sonner's own Toaster.
vi.mock("sonner", async () => ({
  toast: (await import("./sonner")).toastMock,
  Toaster: () => null,
}));

beforeEach(() => clearToastMock());
afterEach(() => cleanup());
