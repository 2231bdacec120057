import { Group, Pagination, Table, Text, UnstyledButton } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

export const PAGE_SIZE = 20;

/**
 * A server-paged list's state, kept in the URL (?q=&sort=&page=&kind=...): a link or a reload
 * shows the same page. Changing a filter or the sort goes back to page 1.
 */
export function useListParams(defaultSort = "code") {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const sort = params.get("sort") ?? defaultSort;
  const q = params.get("q") ?? "";
  const get = (name: string) => params.get(name) ?? "";
  const set = (changes: Record<string, string | null>) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null || v === "") next.delete(k);
          else next.set(k, v);
        }
        if (!("page" in changes)) next.delete("page");
        return next;
      },
      { replace: true },
    );
  };
  return {
    q,
    sort,
    page,
    get,
    set,
    query: { q: q || undefined, sort, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
    /** clicking a column sorts by it, clicking it again reverses */
    toggleSort: (column: string) => set({ sort: sort === column ? `-${column}` : column }),
    setPage: (p: number) => set({ page: p === 1 ? null : String(p) }),
  };
}

/** A column header that sorts the list on the server. */
export function SortTh({
  column,
  sort,
  onSort,
  children,
}: {
  column: string;
  sort: string;
  onSort: (column: string) => void;
  children: ReactNode;
}) {
  const active = sort === column || sort === `-${column}`;
  const descending = sort === `-${column}`;
  return (
    <Table.Th aria-sort={active ? (descending ? "descending" : "ascending") : "none"}>
      <UnstyledButton onClick={() => onSort(column)} fw={700} data-testid={`sort-${column}`}>
        {children} {active ? (descending ? "▼" : "▲") : ""}
      </UnstyledButton>
    </Table.Th>
  );
}

/** "21–40 of 57" and the page buttons. */
export function Pager({
  total,
  page,
  onPage,
  pageSize = PAGE_SIZE,
}: {
  total: number;
  page: number;
  onPage: (page: number) => void;
  pageSize?: number;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <Group justify="space-between">
      <Text c="gray.7" data-testid="list-count">
        {total === 0 ? t("common.nothingFound") : t("common.range", { first, last, total })}
      </Text>
      {pages > 1 ? <Pagination total={pages} value={page} onChange={onPage} /> : null}
    </Group>
  );
}
