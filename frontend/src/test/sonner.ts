import { vi } from "vitest";

/**
 * The one stand-in for sonner in every test file (setup.ts mocks the module with it). Files share
 * one module registry (vite.config.ts: `isolate: false`), and src/ui/toast.ts keeps the sonner it
 * loaded first: a mock per file would leave every later file's toasts going to the first file's.
 */
export const toastMock = Object.assign(vi.fn(), {
  error: vi.fn(),
  success: vi.fn(),
  dismiss: vi.fn(),
});

export function clearToastMock() {
  for (const fn of [toastMock, toastMock.error, toastMock.success, toastMock.dismiss])
    fn.mockClear();
}
