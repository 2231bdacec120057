import { Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
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
import { humanize } from "../../lib/format";
import { ActionButton, FormModal, KindBadge, PageHeader } from "./common";
import { Pager, SortTh, useListParams } from "./list";
import { validateItem, type Errors, type ItemForm } from "./validation";

const EMPTY: ItemForm = { code: "", name: "", kind: "raw", uom: "", tracking: "lot", shelfLife: "" };

function NewItemDialog({ onClose }: { onClose: () => void }) {
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
      title="New item"
      submitLabel="Create item"
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
        notifications.show({ color: "green.9", title: "Item created", message: `${item.code} ${item.name}` });
        navigate(`/master/items/${encodeURIComponent(item.code)}`);
      }}
    >
      <TextInput label="Code" description="As on labels and in the ERP" data-autofocus {...field("code")} />
      <TextInput label="Name" {...field("name")} />
      <Group grow>
        <Select
          label="Kind"
          data={ITEM_KINDS.map((k) => ({ value: k, label: humanize(k) }))}
          value={form.kind}
          error={errors.kind}
          onChange={(v) => setForm({ ...form, kind: v ?? "" })}
          allowDeselect={false}
        />
        <TextInput label="Unit" description="kg, g, pcs, m …" {...field("uom")} />
      </Group>
      <Group grow>
        <Select
          label="Tracking"
          description="Serial: every unit is its own lot"
          data={TRACKINGS.map((t) => ({ value: t, label: humanize(t) }))}
          value={form.tracking}
          error={errors.tracking}
          onChange={(v) => setForm({ ...form, tracking: v ?? "" })}
          allowDeselect={false}
        />
        <TextInput label="Shelf life (days)" description="Empty: does not expire" {...field("shelfLife")} />
      </Group>
    </FormModal>
  );
}

export function ItemsPage() {
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
        title="Items"
        subtitle="The item master: what can be received, consumed and produced."
        action={
          <ActionButton needs={[PERM.materialMasterWrite]} onClick={() => setCreating(true)}>
            New item
          </ActionButton>
        }
      />
      <Group align="flex-end">
        <TextInput
          label="Search"
          placeholder="Code or name"
          value={list.q}
          onChange={(e) => list.set({ q: e.currentTarget.value })}
          w={280}
        />
        <Select
          label="Kind"
          placeholder="Any kind"
          clearable
          data={ITEM_KINDS.map((k) => ({ value: k, label: humanize(k) }))}
          value={kind || null}
          onChange={(v) => list.set({ kind: v })}
        />
        <Select
          label="Tracking"
          placeholder="Lot or serial"
          clearable
          data={TRACKINGS.map((t) => ({ value: t, label: humanize(t) }))}
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
                    Code
                  </SortTh>
                  <SortTh column="name" {...sortProps}>
                    Name
                  </SortTh>
                  <SortTh column="kind" {...sortProps}>
                    Kind
                  </SortTh>
                  <SortTh column="uom" {...sortProps}>
                    Unit
                  </SortTh>
                  <Table.Th>Tracking</Table.Th>
                  <Table.Th ta="right">Shelf life</Table.Th>
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
                      <KindBadge value={i.kind} />
                    </Table.Td>
                    <Table.Td>{i.uom}</Table.Td>
                    <Table.Td>{humanize(i.tracking)}</Table.Td>
                    <Table.Td ta="right">{i.shelf_life_days ? `${i.shelf_life_days} days` : "—"}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {items.data.items.length === 0 ? <Text c="gray.7">No item matches.</Text> : null}
          <Pager total={items.data.total} page={list.page} onPage={list.setPage} />
        </>
      ) : null}
      {creating ? <NewItemDialog onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}
