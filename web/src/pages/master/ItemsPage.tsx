import { Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../i18n";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import {
  ITEM_KINDS,
  TRACKINGS,
  useCreateItem,
  useItemsPage,
  type ItemKind,
  type Tracking,
} from "../../api/masterData";
import { PERM } from "../../auth/permissions";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ActionButton, FormModal, KindBadge, PageHeader } from "./common";
import { Pager, SortTh, useListParams } from "./list";
import { validateItem, type Errors, type ItemForm } from "./validation";

const EMPTY: ItemForm = { code: "", name: "", kind: "raw", uom: "", tracking: "lot", shelfLife: "" };

function NewItemDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateItem();
  const navigate = useNavigate();
  const [form, setForm] = useState<ItemForm>(EMPTY);
  const [errors, setErrors] = useState<Errors<keyof ItemForm>>({});
  const field = (k: keyof ItemForm) => ({
    value: form[k],
    error: errors[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value }),
  });
  return (
    <FormModal
      title={t("master.items.new")}
      submitLabel={t("master.items.create")}
      onClose={onClose}
      validate={() => {
        const e = validateItem(form);
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const item = await create.mutateAsync({
          code: form.code.trim(),
          name: form.name.trim(),
          kind: form.kind as ItemKind,
          uom: form.uom.trim(),
          tracking: form.tracking as Tracking,
          shelf_life_days: form.shelfLife.trim() ? Number(form.shelfLife) : null,
        });
        notifications.show({ color: "green.9", title: t("master.items.created"), message: `${item.code} ${item.name}` });
        navigate(`/master/items/${encodeURIComponent(item.code)}`);
      }}
    >
      <TextInput label={t("common.code")} description={t("master.items.codeHint")} data-autofocus {...field("code")} />
      <TextInput label={t("common.name")} {...field("name")} />
      <Group grow>
        <Select
          label={t("common.kind")}
          data={ITEM_KINDS.map((k) => ({ value: k, label: codeLabel("itemKind", k) }))}
          value={form.kind}
          error={errors.kind}
          onChange={(v) => setForm({ ...form, kind: v ?? "" })}
          allowDeselect={false}
        />
        <TextInput label={t("common.uom")} description={t("master.items.uomHint")} {...field("uom")} />
      </Group>
      <Group grow>
        <Select
          label={t("master.items.tracking")}
          description={t("master.items.trackingHint")}
          data={TRACKINGS.map((k) => ({ value: k, label: codeLabel("tracking", k) }))}
          value={form.tracking}
          error={errors.tracking}
          onChange={(v) => setForm({ ...form, tracking: v ?? "" })}
          allowDeselect={false}
        />
        <TextInput label={t("master.items.shelfLifeDays")} description={t("master.items.shelfLifeHint")} {...field("shelfLife")} />
      </Group>
    </FormModal>
  );
}

export function ItemsPage() {
  const { t } = useTranslation();
  const list = useListParams("code");
  const kind = list.get("kind") as ItemKind | "";
  const tracking = list.get("tracking") as Tracking | "";
  const items = useItemsPage({ ...list.query, kind: kind || undefined, tracking: tracking || undefined });
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const sortProps = { sort: list.sort, onSort: list.toggleSort };
  return (
    <Stack gap="lg" maw={1200}>
      <PageHeader
        title={t("master.items.title")}
        subtitle={t("master.items.subtitle")}
        action={
          <ActionButton needs={[PERM.materialMasterWrite]} onClick={() => setCreating(true)}>
            {t("master.items.new")}
          </ActionButton>
        }
      />
      <Group align="flex-end">
        <TextInput
          label={t("common.search")}
          placeholder={t("master.codeOrName")}
          value={list.q}
          onChange={(e) => list.set({ q: e.currentTarget.value })}
          w={280}
        />
        <Select
          label={t("common.kind")}
          placeholder={t("master.anyKind")}
          clearable
          data={ITEM_KINDS.map((k) => ({ value: k, label: codeLabel("itemKind", k) }))}
          value={kind || null}
          onChange={(v) => list.set({ kind: v })}
        />
        <Select
          label={t("master.items.tracking")}
          placeholder={t("master.items.lotOrSerial")}
          clearable
          data={TRACKINGS.map((k) => ({ value: k, label: codeLabel("tracking", k) }))}
          value={tracking || null}
          onChange={(v) => list.set({ tracking: v })}
        />
      </Group>
      {items.isPending ? <Loading /> : null}
      {items.isError ? <ProblemAlert error={items.error} onRetry={() => void items.refetch()} /> : null}
      {items.data ? (
        <>
          <Table.ScrollContainer minWidth={720}>
            <Table highlightOnHover verticalSpacing="sm" fz="md" data-testid="items-table">
              <Table.Thead>
                <Table.Tr>
                  <SortTh column="code" {...sortProps}>
                    {t("common.code")}
                  </SortTh>
                  <SortTh column="name" {...sortProps}>
                    {t("common.name")}
                  </SortTh>
                  <SortTh column="kind" {...sortProps}>
                    {t("common.kind")}
                  </SortTh>
                  <SortTh column="uom" {...sortProps}>
                    {t("common.uom")}
                  </SortTh>
                  <Table.Th>{t("master.items.tracking")}</Table.Th>
                  <Table.Th ta="right">{t("master.items.shelfLife")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.data.items.map((i) => (
                  <Table.Tr
                    key={i.code}
                    style={{ cursor: "pointer" }}
                    onClick={() => navigate(`/master/items/${encodeURIComponent(i.code)}`)}
                  >
                    <Table.Td fw={700}>
                      <Link to={`/master/items/${encodeURIComponent(i.code)}`}>{i.code}</Link>
                    </Table.Td>
                    <Table.Td>{i.name}</Table.Td>
                    <Table.Td>
                      <KindBadge group="itemKind" value={i.kind} />
                    </Table.Td>
                    <Table.Td>{i.uom}</Table.Td>
                    <Table.Td>{codeLabel("tracking", i.tracking)}</Table.Td>
                    <Table.Td ta="right">{i.shelf_life_days ? t("master.items.days", { count: i.shelf_life_days }) : "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {items.data.items.length === 0 ? <Text c="gray.7">{t("master.items.none")}</Text> : null}
          <Pager total={items.data.total} page={list.page} onPage={list.setPage} />
        </>
      ) : null}
      {creating ? <NewItemDialog onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}
