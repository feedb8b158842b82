const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds; throws when it still does not after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  if (!(await holdsWithin(condition, timeoutMs))) throw new Error(`condition not met in ${timeoutMs} ms`);
}

/** Whether `condition` comes to hold within `timeoutMs`: for asserting that something does not happen. */
export async function holdsWithin(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(10);
  }
  return condition();
}
