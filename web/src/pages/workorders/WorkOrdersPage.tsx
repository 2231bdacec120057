import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  Pagination,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useOrderPage } from "../../api/workOrders";
import { hasAll, PERM } from "../../auth/permissions";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { codeLabel } from "../../i18n";
import { formatDateTime, formatQuantity } from "../../lib/format";
import { ORDER_STATUS_COLOR } from "../../lib/orders";
import { OrderForm } from "./OrderForm";
import { nextSort, PAGE_SIZE, queryFromParams, STATUSES, withParams } from "./listQuery";

/** the columns; their headers are `workorders.list.col.<key>` */
const COLUMNS: { key: string; sortable: boolean }[] = [
  { key: "number", sortable: true },
  { key: "product", sortable: true },
  { key: "quantity", sortable: true },
  { key: "status", sortable: true },
  { key: "priority", sortable: true },
  { key: "due", sortable: true },
  { key: "planned_end", sortable: true },
  { key: "erp_ref", sortable: true },
];

/** Every work order, in every state: searched, filtered, sorted and paged by the server. */
export function WorkOrdersPage() {
  const [params, setParams] = useSearchParams();
  const query = queryFromParams(params);
  const page = useOrderPage(query);
  const { perms } = useSession();
  const navigate = useNavigate();
  const { t } = useTranslation();
  const [creating, setCreating] = useState(false);
  const [text, setText] = useState(params.get("q") ?? "");
  const sort = params.get("sort");

  // typing searches after a short pause; the URL keeps what is searched
  useEffect(() => {
    const id = setTimeout(() => {
      if ((params.get("q") ?? "") !== text.trim()) setParams(withParams(params, { q: text.trim() || null }));
    }, 300);
    return () => clearTimeout(id);
  }, [text, params, setParams]);

  const total = page.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const current = query.offset / PAGE_SIZE + 1;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("workorders.list.title")}</Title>
        {hasAll(perms, [PERM.workorderWrite]) ? (
          <Button onClick={() => setCreating(true)} data-testid="new-order">
            {t("workorders.list.new")}
          </Button>
        ) : null}
      </Group>
      <Card withBorder>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t("workorders.list.search")}
            description={t("workorders.list.searchHint")}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            w={260}
            data-testid="order-search"
          />
          <MultiSelect
            label={t("workorders.list.col.status")}
            data={STATUSES.map((s) => ({ value: s, label: codeLabel("orderStatus", s) }))}
            value={params.getAll("status")}
            onChange={(value) => setParams(withParams(params, { status: value }))}
            clearable
            w={300}
            data-testid="status-filter"
          />
          <TextInput
            label={t("workorders.list.dueFrom")}
            type="date"
            value={params.get("due_from") ?? ""}
            onChange={(e) => setParams(withParams(params, { due_from: e.currentTarget.value || null }))}
          />
          <TextInput
            label={t("workorders.list.dueTo")}
            type="date"
            value={params.get("due_to") ?? ""}
            onChange={(e) => setParams(withParams(params, { due_to: e.currentTarget.value || null }))}
          />
          <Checkbox
            label={t("workorders.list.lateOnly")}
            checked={params.get("late") === "true"}
            onChange={(e) => setParams(withParams(params, { late: e.currentTarget.checked ? "true" : null }))}
            mb={8}
          />
        </Group>
      </Card>
      {page.error ? <ProblemAlert error={page.error} onRetry={() => void page.refetch()} /> : null}
      {page.isPending ? (
        <Loading />
      ) : (
        <Card withBorder padding={0}>
          <Table striped highlightOnHover data-testid="order-table">
            <Table.Thead>
              <Table.Tr>
                {COLUMNS.map((c) => (
                  <Table.Th
                    key={c.key}
                    aria-sort={sort === c.key ? "ascending" : sort === `-${c.key}` ? "descending" : "none"}
                  >
                    <UnstyledButton
                      fw={700}
                      onClick={() => setParams(withParams(params, { sort: nextSort(sort, c.key) }))}
                      data-testid={`sort-${c.key}`}
                    >
                      {t(`workorders.list.col.${c.key}`)} {sort === c.key ? "▲" : sort === `-${c.key}` ? "▼" : ""}
                    </UnstyledButton>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(page.data?.items ?? []).map((o) => (
                <Table.Tr key={o.number} data-testid={`order-row-${o.number}`}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Anchor component={Link} to={`/workorders/${encodeURIComponent(o.number)}`} fw={700}>
                      {o.number}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{o.product}</Table.Td>
                  <Table.Td>{formatQuantity(o.quantity, o.uom)}</Table.Td>
                  <Table.Td>
                    <Badge color={ORDER_STATUS_COLOR[o.status] ?? "gray.7"} data-testid="order-status">
                      {codeLabel("orderStatus", o.status)}
                    </Badge>{" "}
                    {o.short ? <Badge color="orange.9">{t("workorders.short")}</Badge> : null}
                  </Table.Td>
                  <Table.Td>{o.priority}</Table.Td>
                  <Table.Td>{formatDateTime(o.due)}</Table.Td>
                  <Table.Td>
                    {formatDateTime(o.planned_end)} {o.late ? <Badge color="red.9">{t("workorders.late")}</Badge> : null}
                  </Table.Td>
                  <Table.Td>{o.erp_ref ?? "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {total === 0 ? (
            <Text c="dimmed" p="md">
              {t("workorders.list.none")}
            </Text>
          ) : null}
        </Card>
      )}
      <Group justify="space-between">
        <Text c="dimmed" data-testid="order-total">
          {t("workorders.list.total", { count: total })}
        </Text>
        <Pagination
          total={pages}
          value={current}
          onChange={(p) => setParams(withParams(params, { page: p > 1 ? String(p) : null }))}
        />
      </Group>
      {creating ? (
        <OrderForm
          onClose={() => setCreating(false)}
          onSaved={(o) => {
            setCreating(false);
            void navigate(`/workorders/${encodeURIComponent(o.number)}`);
          }}
        />
      ) : null}
    </Stack>
  );
}
