import { Select, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useCreateProduct, useItemsPage, useProductsPage } from "../../api/masterData";
import { PERM } from "../../auth/permissions";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime } from "../../lib/format";
import { ActionButton, FormModal, PageHeader } from "./common";
import { Pager, SortTh, useListParams } from "./list";
import { code as checkCode } from "./validation";

function NewProductDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateProduct();
  const navigate = useNavigate();
  const made = useItemsPage({ limit: 500, offset: 0 });
  const [item, setItem] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const choices = (made.data?.items ?? [])
    .filter((i) => i.kind === "finished" || i.kind === "intermediate")
    .map((i) => ({ value: i.code, label: `${i.code} — ${i.name}` }));
  return (
    <FormModal
      title={t("master.products.new")}
      submitLabel={t("master.products.create")}
      onClose={onClose}
      validate={() => {
        const what = t("master.field.item");
        const e = item ? checkCode(item, what) : t("master.validation.chooseItem", { what });
        const n =
          name.trim().length > 200 ? t("master.validation.tooLong", { what: t("master.field.name"), n: 200 }) : undefined;
        setError(e ?? n);
        return !(e ?? n);
      }}
      submit={async () => {
        const p = await create.mutateAsync({ code: item ?? "", name: name.trim() || null });
        notifications.show({ color: "green.9", title: t("master.products.created"), message: `${p.code} ${p.name}` });
        navigate(`/master/products/${encodeURIComponent(p.code)}`);
      }}
    >
      <Text c="gray.7">{t("master.products.intro")}</Text>
      <Select
        label={t("common.item")}
        searchable
        data-autofocus
        data={choices}
        value={item}
        onChange={setItem}
        error={error}
        nothingFoundMessage="No finished or intermediate item matches: create the item first."
      />
      <TextInput
        label={t("common.name")}
        description={t("master.products.nameHint")}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
      />
    </FormModal>
  );
}

export function ProductsPage() {
  const { t } = useTranslation();
  const list = useListParams("code");
  const products = useProductsPage(list.query);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const sortProps = { sort: list.sort, onSort: list.toggleSort };
  return (
    <Stack gap="lg" maw={1100}>
      <PageHeader
        title={t("master.products.title")}
        subtitle={t("master.products.subtitle")}
        action={
          <ActionButton needs={[PERM.routingWrite, PERM.materialRead]} onClick={() => setCreating(true)}>
            {t("master.products.new")}
          </ActionButton>
        }
      />
      <Group>
        <TextInput
          label={t("common.search")}
          placeholder={t("master.codeOrName")}
          value={list.q}
          onChange={(e) => list.set({ q: e.currentTarget.value })}
          w={280}
        />
      </Group>
      {products.isPending ? <Loading /> : null}
      {products.isError ? <ProblemAlert error={products.error} onRetry={() => void products.refetch()} /> : null}
      {products.data ? (
        <>
          <Table highlightOnHover verticalSpacing="sm" fz="md" data-testid="products-table">
            <Table.Thead>
              <Table.Tr>
                <SortTh column="code" {...sortProps}>
                  {t("common.code")}
                </SortTh>
                <SortTh column="name" {...sortProps}>
                  {t("common.name")}
                </SortTh>
                <Table.Th>{t("common.uom")}</Table.Th>
                <SortTh column="created_at" {...sortProps}>
                  {t("common.created")}
                </SortTh>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {products.data.items.map((p) => (
                <Table.Tr
                  key={p.code}
                  style={{ cursor: "pointer" }}
                  onClick={() => navigate(`/master/products/${encodeURIComponent(p.code)}`)}
                >
                  <Table.Td fw={700}>
                    <Link to={`/master/products/${encodeURIComponent(p.code)}`}>{p.code}</Link>
                  </Table.Td>
                  <Table.Td>{p.name}</Table.Td>
                  <Table.Td>{p.uom}</Table.Td>
                  <Table.Td>
                    {t("workorders.order.createdBy", { at: formatDateTime(p.created_at), by: p.created_by })}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {products.data.items.length === 0 ? <Text c="gray.7">{t("master.products.none")}</Text> : null}
          <Pager total={products.data.total} page={list.page} onPage={list.setPage} />
        </>
      ) : null}
      {creating ? <NewProductDialog onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}
