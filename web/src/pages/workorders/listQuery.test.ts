import { describe, expect, it } from "vitest";
import { dayAfter, nextSort, PAGE_SIZE, queryFromParams, withParams } from "./listQuery";

describe("the order list's URL", () => {
  it("reads filters, sort and page, dropping what the API would refuse", () => {
    const q = queryFromParams(
      new URLSearchParams("q=%20WO-1%20&status=planned&status=bogus&due_from=2026-12-01&due_to=2026-12-31&sort=-due&page=3"),
    );
    expect(q).toEqual({
      q: "WO-1",
      status: ["planned"],
      due_from: "2026-12-01T00:00:00Z",
      due_to: "2027-01-01T00:00:00Z",
      late: undefined,
      sort: "-due",
      limit: PAGE_SIZE,
      offset: 2 * PAGE_SIZE,
    });
    expect(queryFromParams(new URLSearchParams("sort=colour&page=-2&due_from=tomorrow"))).toMatchObject({
      sort: undefined,
      offset: 0,
      due_from: undefined,
    });
  });

  it("includes the whole last day and cycles a column's sort", () => {
    expect(dayAfter("2026-02-28")).toBe("2026-03-01T00:00:00Z");
    expect(nextSort(null, "due")).toBe("due");
    expect(nextSort("due", "due")).toBe("-due");
    expect(nextSort("-due", "due")).toBeNull();
    expect(nextSort("-due", "number")).toBe("number");
  });

  it("goes back to page 1 when a filter changes", () => {
    const p = withParams(new URLSearchParams("q=a&page=4"), { status: ["planned", "released"] });
    expect(p.toString()).toBe("q=a&status=planned&status=released");
    expect(withParams(p, { page: "2" }).get("page")).toBe("2");
    expect(withParams(p, { q: null }).has("q")).toBe(false);
  });
});
