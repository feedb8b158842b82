import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useRef, useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { ConsoleApiError } from "@/lib/console/fetch";
import { ConfirmDialog, type ConfirmDialogProps } from "./confirm-dialog";

/** A deferred promise, so a test decides when the action answers. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

type Overrides = Partial<Omit<ConfirmDialogProps, "open" | "onOpenChange">>;

function Harness({ onOpenChange, ...props }: Overrides & { onOpenChange?: (open: boolean) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange?.(next);
        setOpen(next);
      }}
      trigger={<button type="button">Open</button>}
      title="Deactivate Ada?"
      description="Ada is signed out everywhere."
      confirmLabel="Deactivate"
      pendingLabel="Deactivating…"
      onConfirm={() => Promise.resolve()}
      {...props}
    />
  );
}

async function openDialog(props: Overrides & { onOpenChange?: (open: boolean) => void } = {}) {
  const user = userEvent.setup();
  render(<Harness {...props} />);
  await user.click(screen.getByRole("button", { name: "Open" }));
  const dialog = screen.getByRole("alertdialog", { name: "Deactivate Ada?" });
  return { user, dialog, confirm: () => screen.getByRole("button", { name: /Deactivat/ }), cancel: () => screen.getByRole("button", { name: "Cancel" }) };
}

describe("ConfirmDialog", () => {
  it("opens as an alert dialog with its title and description, Cancel focused", async () => {
    const { dialog, cancel } = await openDialog();
    expect(dialog).toHaveAccessibleDescription("Ada is signed out everywhere.");
    expect(document.activeElement).toBe(cancel());
  });

  it("keeps Confirm disabled until the typed text matches, trimmed and in any case", async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    const { user, confirm } = await openDialog({ typedConfirmation: { text: "Ada.Lovelace@Example.test" }, onConfirm });
    const input = screen.getByLabelText("Type Ada.Lovelace@Example.test to confirm");
    expect(document.activeElement).toBe(input);
    expect(confirm()).toBeDisabled();

    await user.type(input, "ada.lovelace@example.tes{Enter}");
    expect(confirm()).toBeDisabled();
    expect(onConfirm).not.toHaveBeenCalled();

    await user.clear(input);
    await user.type(input, "  ADA.LOVELACE@EXAMPLE.TEST ");
    expect(confirm()).toBeEnabled();
    await user.keyboard("{Enter}");
    expect(onConfirm).toHaveBeenCalledWith("  ADA.LOVELACE@EXAMPLE.TEST ");
  });

  it("while the action runs: both buttons disabled, the pending label, Escape ignored, no close", async () => {
    const action = deferred();
    const onOpenChange = vi.fn();
    const onSuccess = vi.fn();
    const { user, dialog, confirm, cancel } = await openDialog({ onConfirm: () => action.promise, onOpenChange, onSuccess });

    await user.click(confirm());
    expect(confirm()).toHaveTextContent("Deactivating…");
    expect(confirm()).toBeDisabled();
    expect(cancel()).toBeDisabled();
    await user.keyboard("{Escape}");
    expect(dialog).toBeInTheDocument();
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
    expect(onSuccess).not.toHaveBeenCalled();

    await act(async () => action.resolve());
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(onSuccess).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("shows a failure inside, stays open, and lets the person try again", async () => {
    let attempt = 0;
    const onConfirm = vi.fn(() => {
      attempt += 1;
      if (attempt === 1) return Promise.reject(new ConsoleApiError(409, "conflict", "Ada changed meanwhile; reload the page"));
      if (attempt === 2) return Promise.reject(new TypeError("Failed to fetch"));
      return Promise.resolve();
    });
    const onOpenChange = vi.fn();
    const { user, confirm } = await openDialog({ onConfirm, onOpenChange });

    await user.click(confirm());
    expect(await screen.findByRole("alert")).toHaveTextContent("Ada changed meanwhile; reload the page");
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();
    expect(confirm()).toHaveTextContent("Deactivate");
    expect(confirm()).toBeEnabled();

    await user.click(confirm());
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not reach Roster; check your connection and try again");
    expect(onOpenChange).not.toHaveBeenCalledWith(false);

    await user.click(confirm());
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(onConfirm).toHaveBeenCalledTimes(3);
  });

  it("with afterSuccess stay, keeps showing the pending label until the caller moves on", async () => {
    const onOpenChange = vi.fn();
    const { user, confirm, cancel } = await openDialog({ afterSuccess: "stay", pendingLabel: "Starting…", onOpenChange });
    await user.click(confirm());
    expect(await screen.findByRole("button", { name: "Starting…" })).toBeDisabled();
    expect(cancel()).toBeDisabled();
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
  });

  it("starts afresh on every opening: empty field, no old error", async () => {
    const onConfirm = vi.fn(() => Promise.reject(new ConsoleApiError(500, "error", "Internal server error")));
    const { user, cancel } = await openDialog({ typedConfirmation: { text: "ada" }, onConfirm });
    await user.type(screen.getByRole("textbox"), "ada{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("Internal server error");
    await user.click(cancel());
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Open" }));
    expect(screen.getByRole("textbox")).toHaveValue("");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("closes on Escape and on Cancel when idle, without running the action", async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    const { user } = await openDialog({ onConfirm });
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Open" }));
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("opens on a field of its own when asked, and keeps confirm disabled until that field is filled", async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    function WithNote() {
      const [note, setNote] = useState("");
      const ref = useRef<HTMLInputElement>(null);
      return (
        <Harness onConfirm={onConfirm} initialFocus={ref} confirmDisabled={!note.trim()}>
          <label>
            Why?
            <input ref={ref} value={note} onChange={(event) => setNote(event.target.value)} />
          </label>
        </Harness>
      );
    }
    const user = userEvent.setup();
    render(<WithNote />);
    await user.click(screen.getByRole("button", { name: "Open" }));
    expect(document.activeElement).toBe(screen.getByLabelText("Why?"));
    expect(screen.getByRole("button", { name: "Deactivate" })).toBeDisabled();
    await user.keyboard("{Enter}");
    expect(onConfirm).not.toHaveBeenCalled();
    await user.keyboard("on leave{Enter}");
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
