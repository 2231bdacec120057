import { Group, Pagination, Select, Table, Text, UnstyledButton } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

/** A list's filters, sort and page, kept in the address (so a link or a reload shows the same list). */
export function useUrlState<K extends string>(defaults: Record<K, string>) {
  const [params, setParams] = useSearchParams();
  const get = (k: K): string => params.get(k) ?? defaults[k];
  /** Sets filters; any change but the page's own moves back to the first page. */
  const set = (changes: { [k in K | "page"]?: string | null }) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes) as [string, string | null | undefined][]) {
          if (v === null || v === undefined || v === "" || v === (defaults as Record<string, string>)[k]) next.delete(k);
          else next.set(k, v);
        }
        if (!("page" in changes)) next.delete("page");
        return next;
      },
      { replace: true },
    );
  };
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const setPage = (p: number) => set({ page: p === 1 ? null : String(p) } as { [k in K | "page"]?: string | null });
  return { get, set, page, setPage };
}

export type SortDir = "asc" | "desc";

/** Column header that sorts: one click ascending, again descending; the choice goes in the address. */
export function SortTh({
  column,
  sort,
  dir,
  onSort,
  children,
}: {
  column: string;
  sort: string;
  dir: SortDir;
  onSort: (column: string, dir: SortDir) => void;
  children: ReactNode;
}) {
  const active = sort === column;
  const next: SortDir = active && dir === "asc" ? "desc" : "asc";
  return (
    <Table.Th aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}>
      <UnstyledButton onClick={() => onSort(column, next)} fw={700} data-testid={`sort-${column}`}>
        {children} {active ? (dir === "asc" ? "▲" : "▼") : ""}
      </UnstyledButton>
    </Table.Th>
  );
}

/** The API's `sort` parameter for a column and a direction: `name` or `-name`. */
export function apiSort(column: string, dir: SortDir): string {
  return dir === "desc" ? `-${column}` : column;
}

/** Rows sorted by one member (strings by locale, numbers and booleans by value, nulls last). */
export function sortRows<T>(rows: readonly T[], key: keyof T | string, dir: SortDir): T[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = (a as Record<string, unknown>)[key as string];
    const y = (b as Record<string, unknown>)[key as string];
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    if (typeof x === "number" && typeof y === "number") return (x - y) * sign;
    return String(x).localeCompare(String(y), undefined, { numeric: true }) * sign;
  });
}

export const PAGE_SIZES = ["10", "25", "50", "100"];

/** "21–40 of 93" and the page buttons; the page size is a filter too. */
export function Pager({
  total,
  page,
  size,
  onPage,
  onSize,
}: {
  total: number;
  page: number;
  size: number;
  onPage: (page: number) => void;
  onSize?: (size: string) => void;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / size));
  const first = total === 0 ? 0 : (page - 1) * size + 1;
  const last = Math.min(total, page * size);
  return (
    <Group justify="space-between" data-testid="pager">
      <Text c="dimmed">
        {t("common.range", { first, last, total })}
      </Text>
      <Group>
        {onSize ? (
          <Select
            aria-label={t("common.rowsPerPage")}
            w={90}
            data={PAGE_SIZES}
            value={String(size)}
            onChange={(v) => v && onSize(v)}
            allowDeselect={false}
          />
        ) : null}
        <Pagination total={pages} value={Math.min(page, pages)} onChange={onPage} />
      </Group>
    </Group>
  );
}

/** One page of rows the API returns whole (small lists: maintenance orders, a machine's stops). */
export function pageOf<T>(rows: readonly T[], page: number, size: number): T[] {
  return rows.slice((page - 1) * size, page * size);
}
