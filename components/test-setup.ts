import { cleanup } from "@testing-library/react";
import "@testing-library/jest-dom/vitest";
import { afterEach } from "vitest";

// No test globals here, so Testing Library cannot register its own cleanup.
afterEach(cleanup);

// jsdom has no layout: Radix's popper (tooltips) measures its content through ResizeObserver.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
