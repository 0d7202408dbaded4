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

// jsdom has no layout, and so no ResizeObserver: components that measure (the bulk bar tells the
// toasts its height) get one that never reports, as a page without layout would.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
// Nor scrolling: an element scrolled into view (the editor's first refused field) stays put.
// (Files run in the node environment have no DOM at all.)
if (typeof Element !== "undefined") Element.prototype.scrollIntoView ??= () => {};
