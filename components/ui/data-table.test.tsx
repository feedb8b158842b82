import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DataTable } from "./data-table";

describe("DataTable", () => {
  it("heads each column and puts the rows in the body, under the table's name", () => {
    render(
      <DataTable label="Results" columns={["Email", { label: "Row", className: "num" }]}>
        <tr>
          <td>ada@example.com</td>
          <td>1</td>
        </tr>
      </DataTable>,
    );
    const table = screen.getByRole("table", { name: "Results" });
    expect(screen.getAllByRole("columnheader").map((th) => [th.textContent, th.getAttribute("scope"), th.className])).toEqual([
      ["Email", "col", ""],
      ["Row", "col", "num"],
    ]);
    expect(table.querySelector("tbody")).toHaveTextContent("ada@example.com");
  });

  it("makes the wrapper a named region a keyboard can reach, when asked", () => {
    render(
      <DataTable region="Resolved emails" columns={["Email"]}>
        {null}
      </DataTable>,
    );
    expect(screen.getByRole("region", { name: "Resolved emails" })).toHaveAttribute("tabindex", "0");
  });
});
