import { render, screen } from "@testing-library/react";
import { Component, Suspense, type ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { preloadable } from "./preloadable";

const Page = ({ name }: { name: string }) => <p>{name} page</p>;

class Boundary extends Component<{ children: ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError = (error: Error) => ({ error });
  render = () =>
    this.state.error ? <p>Failed: {this.state.error.message}</p> : this.props.children;
}

function show(Lazy: React.ComponentType<{ name: string }>) {
  return render(
    <Boundary>
      <Suspense fallback={<p>Loading</p>}>
        <Lazy name="Tasks" />
      </Suspense>
    </Boundary>,
  );
}

describe("preloadable", () => {
  it("renders a page whose chunk has arrived in its first commit, without its fallback", async () => {
    const [Lazy, preload] = preloadable(() => Promise.resolve({ default: Page }));
    await preload();

    show(Lazy);

    // No fallback committed: React would hold the page back 300 ms behind it.
    expect(screen.getByText("Tasks page")).toBeInTheDocument();
    expect(screen.queryByText("Loading")).not.toBeInTheDocument();
  });

  it("shows the fallback while the chunk is on its way, then the page", async () => {
    let arrive!: (module: { default: typeof Page }) => void;
    const load = vi.fn(() => new Promise<{ default: typeof Page }>((done) => (arrive = done)));
    const [Lazy, preload] = preloadable(load);
    void preload();

    show(Lazy);
    expect(screen.getByText("Loading")).toBeInTheDocument();
    arrive({ default: Page });

    expect(await screen.findByText("Tasks page")).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(1); // the render took the preload's request
  });

  it("asks for the chunk once however often it is preloaded, and loads on render if never", async () => {
    const load = vi.fn(() => Promise.resolve({ default: Page }));
    const [Lazy, preload] = preloadable(load);
    expect(load).not.toHaveBeenCalled(); // defining a page asks for nothing

    show(Lazy);
    expect(await screen.findByText("Tasks page")).toBeInTheDocument();
    await preload();
    await preload();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("lets a chunk that fails to load reach the error boundary, as React.lazy does", async () => {
    const [Lazy, preload] = preloadable<{ name: string }>(() =>
      Promise.reject(new Error("chunk gone")),
    );
    await expect(preload()).rejects.toThrow("chunk gone");
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    show(Lazy);
    expect(await screen.findByText("Failed: chunk gone")).toBeInTheDocument();
    error.mockRestore();
  });
});
