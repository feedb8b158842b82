import { describe, expect, it } from "vitest";
import { MAX_CONVERTED_STATEMENTS, toPostgres, valuesFor } from "./placeholders";

describe("toPostgres", () => {
  it("numbers ? placeholders in order", () => {
    expect(toPostgres("select * from users where tenant_id = ? and id in (?, ?)")).toEqual({
      text: "select * from users where tenant_id = $1 and id in ($2, $3)",
      names: null,
    });
  });

  it("gives each @name one number, however often it appears, and remembers the order", () => {
    expect(toPostgres("update t set a = @now, b = @id_2 where c < @now")).toEqual({ text: "update t set a = $1, b = $2 where c < $1", names: ["now", "id_2"] });
  });

  it("leaves ?, @ and quotes alone inside strings, quoted identifiers and comments", () => {
    const sql = `select 'why?' as "what?", 'it''s @here' as "say ""@x""", ? as n -- the user's turn?
      /* @not ? a parameter */ from t where a = ?`;
    expect(toPostgres(sql).text).toBe(`select 'why?' as "what?", 'it''s @here' as "say ""@x""", $1 as n -- the user's turn?
      /* @not ? a parameter */ from t where a = $2`);
  });

  it("leaves casts and an @ that starts no name as they are", () => {
    expect(toPostgres("select @n::bigint, 'a' || '@' || @tail, x @ 1").text).toBe("select $1::bigint, 'a' || '@' || $2, x @ 1");
  });

  it("keeps at most MAX_CONVERTED_STATEMENTS conversions, dropping the oldest: statement texts built from a client's input cannot grow it forever", () => {
    const first = toPostgres("select ? as first_kept");
    expect(toPostgres("select ? as first_kept")).toBe(first);
    for (let i = 0; i < MAX_CONVERTED_STATEMENTS; i += 1) toPostgres(`select ? as shape_${i}`);
    const again = toPostgres("select ? as first_kept");
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(toPostgres(`select ? as shape_${MAX_CONVERTED_STATEMENTS - 1}`)).toBe(toPostgres(`select ? as shape_${MAX_CONVERTED_STATEMENTS - 1}`));
  });

  it("refuses SQL that mixes ? with @name, or leaves a quote or comment open", () => {
    expect(() => toPostgres("select ?, @a")).toThrow(/mixes \? and @name/);
    expect(() => toPostgres("select 'open")).toThrow(/unterminated ' quote/);
    expect(() => toPostgres('select "open')).toThrow(/unterminated " quote/);
    expect(() => toPostgres("select 1 /* open")).toThrow(/unterminated \/\* comment/);
  });
});

describe("valuesFor", () => {
  it("passes positional values through", () => {
    expect(valuesFor(toPostgres("select ?, ?"), [1, "a"])).toEqual([1, "a"]);
  });

  it("orders a named statement's values from the one object passed", () => {
    expect(valuesFor(toPostgres("select @b, @a, @b"), [{ a: 1, b: "two", unused: 3 }])).toEqual(["two", 1]);
  });

  it("refuses a named statement a value is missing for (null is a value)", () => {
    expect(valuesFor(toPostgres("select @a"), [{ a: null }])).toEqual([null]);
    expect(() => valuesFor(toPostgres("select @a, @b"), [{ a: 1 }])).toThrow("no value for @b");
  });
});
