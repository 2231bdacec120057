import { Button, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../i18n";
import { useState } from "react";
import { Link } from "react-router";
import {
  LOCATION_KINDS,
  useCreateLocation,
  useLocationsPage,
  useUpdateLocation,
  type Location,
  type LocationKind,
  type LocationUpdate,
} from "../../api/masterData";
import { PERM } from "../../auth/permissions";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ActionButton, FormModal, KindBadge, PageHeader } from "./common";
import { Pager, SortTh, useListParams } from "./list";
import { clean, code, name, type Errors } from "./validation";

type Form = { code: string; name: string; kind: string };

function NewLocationDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateLocation();
  const [form, setForm] = useState<Form>({ code: "", name: "", kind: "warehouse" });
  const [errors, setErrors] = useState<Errors<keyof Form>>({});
  return (
    <FormModal
      title={t("master.locations.new")}
      submitLabel={t("master.locations.create")}
      onClose={onClose}
      validate={() => {
        const e = clean<keyof Form>({
          code: code(form.code),
          name: name(form.name),
          kind: form.kind ? undefined : "Kind: choose one.",
        });
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const loc = await create.mutateAsync({
          code: form.code.trim(),
          name: form.name.trim(),
          kind: form.kind as LocationKind,
        });
        notifications.show({ color: "green.9", title: t("master.locations.created"), message: `${loc.code} ${loc.name}` });
      }}
    >
      <TextInput
        label={t("common.code")}
        description={t("master.locations.codeHint")}
        data-autofocus
        value={form.code}
        error={errors.code}
        onChange={(e) => setForm({ ...form, code: e.currentTarget.value })}
      />
      <TextInput
        label={t("common.name")}
        value={form.name}
        error={errors.name}
        onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
      />
      <Select
        label={t("common.kind")}
        data={LOCATION_KINDS.map((k) => ({ value: k, label: codeLabel("locationKind", k) }))}
        value={form.kind}
        error={errors.kind}
        allowDeselect={false}
        onChange={(v) => setForm({ ...form, kind: v ?? "" })}
      />
    </FormModal>
  );
}

/** A location's edit form, filled with the values read and their version (ADR 39); the code stays. */
function EditLocationDialog({ location, onClose }: { location: Location; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateLocation(location.code);
  const [form, setForm] = useState<Form>({ code: location.code, name: location.name, kind: location.kind });
  const [errors, setErrors] = useState<Errors<keyof Form>>({});
  return (
    <FormModal
      title={t("master.locations.editTitle", { code: location.code })}
      submitLabel={t("master.locations.save")}
      onClose={onClose}
      validate={() => {
        const kind = form.kind ? undefined : t("master.validation.choose", { what: t("master.field.kind") });
        const e = clean<keyof Form>({ name: name(form.name), kind });
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const body: LocationUpdate = { version: location.version ?? 1 };
        if (form.name.trim() !== location.name) body.name = form.name.trim();
        if (form.kind !== location.kind) body.kind = form.kind as LocationKind;
        const saved = await update.mutateAsync(body);
        notifications.show({ color: "green.9", title: t("master.locations.saved"), message: `${saved.code} ${saved.name}` });
      }}
    >
      <TextInput label={t("common.code")} description={t("master.neverChanges")} value={location.code} disabled />
      <TextInput
        label={t("common.name")}
        data-autofocus
        value={form.name}
        error={errors.name}
        onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
      />
      <Select
        label={t("common.kind")}
        data={LOCATION_KINDS.map((k) => ({ value: k, label: codeLabel("locationKind", k) }))}
        value={form.kind}
        error={errors.kind}
        allowDeselect={false}
        onChange={(v) => setForm({ ...form, kind: v ?? "" })}
      />
    </FormModal>
  );
}

export function LocationsPage() {
  const { t } = useTranslation();
  const list = useListParams("code");
  const kind = list.get("kind") as LocationKind | "";
  const locations = useLocationsPage({ ...list.query, kind: kind || undefined });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Location | null>(null);
  const { can } = useSession();
  const mayEdit = can(PERM.materialMasterWrite);
  const sortProps = { sort: list.sort, onSort: list.toggleSort };
  return (
    <Stack gap="lg" maw={1000}>
      <PageHeader
        title={t("master.locations.title")}
        subtitle={t("master.locations.subtitle")}
        action={
          <ActionButton needs={[PERM.materialMasterWrite]} onClick={() => setCreating(true)}>
            {t("master.locations.new")}
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
          data={LOCATION_KINDS.map((k) => ({ value: k, label: codeLabel("locationKind", k) }))}
          value={kind || null}
          onChange={(v) => list.set({ kind: v })}
        />
      </Group>
      {locations.isPending ? <Loading /> : null}
      {locations.isError ? <ProblemAlert error={locations.error} onRetry={() => void locations.refetch()} /> : null}
      {locations.data ? (
        <>
          <Table highlightOnHover verticalSpacing="sm" fz="md" data-testid="locations-table">
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
                <Table.Th>{t("master.locations.stock")}</Table.Th>
                {mayEdit ? <Table.Th /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {locations.data.items.map((l) => (
                <Table.Tr key={l.code}>
                  <Table.Td fw={700}>{l.code}</Table.Td>
                  <Table.Td>{l.name}</Table.Td>
                  <Table.Td>
                    <KindBadge group="locationKind" value={l.kind} />
                  </Table.Td>
                  <Table.Td>
                    <Link to={`/material/lots?location=${encodeURIComponent(l.code)}`}>{t("master.locations.lotsHere")}</Link>
                  </Table.Td>
                  {mayEdit ? (
                    <Table.Td>
                      <Button variant="subtle" aria-label={t("common.editThing", { thing: l.code })} onClick={() => setEditing(l)}>
                        {t("common.edit")}
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {locations.data.items.length === 0 ? <Text c="gray.7">{t("master.locations.none")}</Text> : null}
          <Pager total={locations.data.total} page={list.page} onPage={list.setPage} />
        </>
      ) : null}
      {creating ? <NewLocationDialog onClose={() => setCreating(false)} /> : null}
      {editing ? <EditLocationDialog location={editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}
