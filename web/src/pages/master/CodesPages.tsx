import { Badge, Box, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useSearchParams } from "react-router";
import {
  useAddReasonCode,
  useCreateDefectCode,
  useDefectCodes,
  useReasonCodes,
  type ReasonCode,
} from "../../api/masterData";
import { useEquipment } from "../../api/resource";
import { PERM } from "../../auth/permissions";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ActionButton, FormModal, PageHeader } from "./common";
import { clean, code, defectCode, name, type Errors } from "./validation";
import { useTranslation } from "react-i18next";

type CodeForm = { code: string; name: string; parent: string };

function AddReasonDialog({ site, codes, onClose }: { site: string; codes: ReasonCode[]; onClose: () => void }) {
  const { t } = useTranslation();
  const add = useAddReasonCode(site);
  const [form, setForm] = useState<CodeForm>({ code: "", name: "", parent: "" });
  const [errors, setErrors] = useState<Errors<keyof CodeForm>>({});
  return (
    <FormModal
      title={t("master.codes.newReasonAt", { site })}
      submitLabel={t("master.codes.addReason")}
      onClose={onClose}
      validate={() => {
        const e = clean<keyof CodeForm>({ code: code(form.code), name: name(form.name) });
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const r = await add.mutateAsync({ code: form.code.trim(), name: form.name.trim(), parent_code: form.parent || null });
        notifications.show({ color: "green.9", title: t("master.codes.reasonAdded"), message: r.path });
      }}
    >
      <Select
        label={t("master.codes.under")}
        description={t("master.codes.underHint")}
        clearable
        searchable
        data={codes.map((c) => ({ value: c.code, label: `${c.path} — ${c.name}` }))}
        value={form.parent || null}
        onChange={(v) => setForm({ ...form, parent: v ?? "" })}
      />
      <TextInput
        label={t("common.code")}
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
    </FormModal>
  );
}

function Tree({ codes, parent, depth }: { codes: ReasonCode[]; parent: string | null; depth: number }) {
  const { t } = useTranslation();
  const children = codes.filter((c) => (c.parent_code ?? null) === parent).sort((a, b) => a.code.localeCompare(b.code));
  if (children.length === 0) return null;
  return (
    <Box component="ul" style={{ listStyle: "none" }} pl={depth === 0 ? 0 : "lg"} m={0}>
      {children.map((c) => (
        <li key={c.code} data-testid={`reason-${c.code}`}>
          <Group gap="sm" py={6}>
            <Text fw={700} ff="monospace">
              {c.code}
            </Text>
            <Text>{c.name}</Text>
            {depth === 0 ? (
              <Badge size="sm" variant="filled" color="gray.7">
                {t("master.codes.below", { count: codes.filter((x) => x.path.startsWith(`${c.path}/`)).length })}
              </Badge>
            ) : null}
          </Group>
          <Tree codes={codes} parent={c.code} depth={depth + 1} />
        </li>
      ))}
    </Box>
  );
}

export function ReasonCodesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const sites = useEquipment("site");
  const site = params.get("site") ?? sites.data?.items[0]?.code ?? null;
  const q = params.get("q") ?? "";
  const parent = params.get("parent") ?? "";
  const codes = useReasonCodes(site); // the whole tree: the picker of a new code's parent
  const found = useReasonCodes(site, { q, parent }); // the same tree, or what the server finds
  const filtered = !!(q || parent);
  const setFilter = (changes: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  const [adding, setAdding] = useState(false);
  return (
    <Stack gap="lg" maw={900}>
      <PageHeader
        title={t("master.codes.reasonTitle")}
        subtitle={t("master.codes.reasonSubtitle")}
        action={
          site ? (
            <ActionButton needs={[PERM.downtimeWrite]} onClick={() => setAdding(true)}>
              {t("master.codes.newReason")}
            </ActionButton>
          ) : null
        }
      />
      {sites.isError ? <ProblemAlert error={sites.error} /> : null}
      <Select
        label={t("master.codes.site")}
        w={320}
        data={(sites.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.name} (${s.code})` }))}
        value={site}
        allowDeselect={false}
        onChange={(v) => setParams(v ? { site: v } : {}, { replace: true })}
      />
      <Group align="flex-end">
        <TextInput
          label={t("common.search")}
          placeholder={t("master.codeOrName")}
          w={280}
          value={q}
          onChange={(e) => setFilter({ q: e.currentTarget.value })}
        />
        <Select
          label={t("master.codes.belowFilter")}
          placeholder={t("master.codes.anywhere")}
          w={280}
          data={(codes.data ?? []).map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }))}
          value={parent || null}
          onChange={(v) => setFilter({ parent: v })}
          searchable
          clearable
        />
      </Group>
      {codes.isPending && site ? <Loading /> : null}
      {codes.isError ? <ProblemAlert error={codes.error} onRetry={() => void codes.refetch()} /> : null}
      {found.isError ? <ProblemAlert error={found.error} onRetry={() => void found.refetch()} /> : null}
      {filtered && found.data ? (
        <Table fz="md" verticalSpacing="sm" data-testid="reason-matches">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("common.code")}</Table.Th>
              <Table.Th>{t("common.name")}</Table.Th>
              <Table.Th>{t("resource.equipment.path")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {found.data.map((c) => (
              <Table.Tr key={c.code}>
                <Table.Td fw={700}>{c.code}</Table.Td>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>{c.path}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {filtered && found.data?.length === 0 ? <Text c="gray.7">{t("master.codes.noReasonMatch")}</Text> : null}
      {!filtered && codes.data ? (
        codes.data.length === 0 ? (
          <Text c="gray.7">{t("master.codes.noReasonsAt", { site })}</Text>
        ) : (
          <div data-testid="reason-tree">
            <Text c="gray.7" mb="xs">
              {t("master.codes.count", { count: codes.data.length })}
            </Text>
            <Tree codes={codes.data} parent={null} depth={0} />
          </div>
        )
      ) : null}
      {adding && site ? <AddReasonDialog site={site} codes={codes.data ?? []} onClose={() => setAdding(false)} /> : null}
    </Stack>
  );
}

function AddDefectDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const add = useCreateDefectCode();
  const [form, setForm] = useState({ code: "", name: "" });
  const [errors, setErrors] = useState<Errors<"code" | "name">>({});
  return (
    <FormModal
      title={t("master.codes.newDefect")}
      submitLabel={t("master.codes.addDefect")}
      onClose={onClose}
      validate={() => {
        const e = clean<"code" | "name">({ code: defectCode(form.code), name: name(form.name) });
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const d = await add.mutateAsync({ code: form.code.trim(), name: form.name.trim() });
        notifications.show({ color: "green.9", title: t("master.codes.defectAdded"), message: `${d.code} ${d.name}` });
      }}
    >
      <TextInput
        label={t("common.code")}
        description={t("master.codes.defectHint")}
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
    </FormModal>
  );
}

/** Defect codes, searched on the server (the quality service lists them by code; a plant has tens). */
export function DefectCodesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const codes = useDefectCodes({ q });
  const [adding, setAdding] = useState(false);
  const shown = codes.data ?? []; // searched and sorted by the quality service
  return (
    <Stack gap="lg" maw={900}>
      <PageHeader
        title={t("master.codes.defectTitle")}
        subtitle={t("master.codes.defectSubtitle")}
        action={
          <ActionButton needs={[PERM.qualityPlanWrite]} onClick={() => setAdding(true)}>
            {t("master.codes.newDefect")}
          </ActionButton>
        }
      />
      <TextInput
        label={t("common.search")}
        placeholder={t("master.codeOrName")}
        w={280}
        value={q}
        onChange={(e) => setParams(e.currentTarget.value ? { q: e.currentTarget.value } : {}, { replace: true })}
      />
      {codes.isPending ? <Loading /> : null}
      {codes.isError ? <ProblemAlert error={codes.error} onRetry={() => void codes.refetch()} /> : null}
      {codes.data ? (
        <Table fz="md" verticalSpacing="sm" data-testid="defect-codes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("common.code")}</Table.Th>
              <Table.Th>{t("common.name")}</Table.Th>
              <Table.Th>{t("master.codes.site")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((d) => (
              <Table.Tr key={`${d.site ?? ""}/${d.code}`}>
                <Table.Td fw={700}>{d.code}</Table.Td>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>{d.site ?? t("master.codes.everySite")}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {codes.data && shown.length === 0 ? <Text c="gray.7">{t("master.codes.noDefectMatch")}</Text> : null}
      {adding ? <AddDefectDialog onClose={() => setAdding(false)} /> : null}
    </Stack>
  );
}
