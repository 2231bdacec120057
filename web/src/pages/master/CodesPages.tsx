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

type CodeForm = { code: string; name: string; parent: string };

function AddReasonDialog({ site, codes, onClose }: { site: string; codes: ReasonCode[]; onClose: () => void }) {
  const add = useAddReasonCode(site);
  const [form, setForm] = useState<CodeForm>({ code: "", name: "", parent: "" });
  const [errors, setErrors] = useState<Errors<keyof CodeForm>>({});
  return (
    <FormModal
      title={`New reason code at ${site}`}
      submitLabel="Add reason code"
      onClose={onClose}
      validate={() => {
        const e = clean<keyof CodeForm>({ code: code(form.code), name: name(form.name) });
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const r = await add.mutateAsync({ code: form.code.trim(), name: form.name.trim(), parent_code: form.parent || null });
        notifications.show({ color: "green.9", title: "Reason code added", message: r.path });
      }}
    >
      <Select
        label="Under"
        description="Empty: a top-level reason"
        clearable
        searchable
        data={codes.map((c) => ({ value: c.code, label: `${c.path} — ${c.name}` }))}
        value={form.parent || null}
        onChange={(v) => setForm({ ...form, parent: v ?? "" })}
      />
      <TextInput
        label="Code"
        data-autofocus
        value={form.code}
        error={errors.code}
        onChange={(e) => setForm({ ...form, code: e.currentTarget.value })}
      />
      <TextInput
        label="Name"
        value={form.name}
        error={errors.name}
        onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
      />
    </FormModal>
  );
}

function Tree({ codes, parent, depth }: { codes: ReasonCode[]; parent: string | null; depth: number }) {
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
                {codes.filter((x) => x.path.startsWith(`${c.path}/`)).length} below
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
        title="Reason codes"
        subtitle="Why machines stop: each site's tree, from the broad reason to the exact cause."
        action={
          site ? (
            <ActionButton needs={[PERM.downtimeWrite]} onClick={() => setAdding(true)}>
              New reason code
            </ActionButton>
          ) : null
        }
      />
      {sites.isError ? <ProblemAlert error={sites.error} /> : null}
      <Select
        label="Site"
        w={320}
        data={(sites.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.name} (${s.code})` }))}
        value={site}
        allowDeselect={false}
        onChange={(v) => setParams(v ? { site: v } : {}, { replace: true })}
      />
      <Group align="flex-end">
        <TextInput
          label="Search"
          placeholder="Code or name"
          w={280}
          value={q}
          onChange={(e) => setFilter({ q: e.currentTarget.value })}
        />
        <Select
          label="Below"
          placeholder="Anywhere in the tree"
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
              <Table.Th>Code</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Path</Table.Th>
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
      {filtered && found.data?.length === 0 ? <Text c="gray.7">No reason code matches.</Text> : null}
      {!filtered && codes.data ? (
        codes.data.length === 0 ? (
          <Text c="gray.7">No reason codes at {site} yet.</Text>
        ) : (
          <div data-testid="reason-tree">
            <Text c="gray.7" mb="xs">
              {codes.data.length} codes
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
  const add = useCreateDefectCode();
  const [form, setForm] = useState({ code: "", name: "" });
  const [errors, setErrors] = useState<Errors<"code" | "name">>({});
  return (
    <FormModal
      title="New defect code"
      submitLabel="Add defect code"
      onClose={onClose}
      validate={() => {
        const e = clean<"code" | "name">({ code: defectCode(form.code), name: name(form.name) });
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const d = await add.mutateAsync({ code: form.code.trim(), name: form.name.trim() });
        notifications.show({ color: "green.9", title: "Defect code added", message: `${d.code} ${d.name}` });
      }}
    >
      <TextInput
        label="Code"
        description="Capitals, digits, _ and -"
        data-autofocus
        value={form.code}
        error={errors.code}
        onChange={(e) => setForm({ ...form, code: e.currentTarget.value })}
      />
      <TextInput
        label="Name"
        value={form.name}
        error={errors.name}
        onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
      />
    </FormModal>
  );
}

/** Defect codes, searched on the server (the quality service lists them by code; a plant has tens). */
export function DefectCodesPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const codes = useDefectCodes({ q });
  const [adding, setAdding] = useState(false);
  const shown = codes.data ?? []; // searched and sorted by the quality service
  return (
    <Stack gap="lg" maw={900}>
      <PageHeader
        title="Defect codes"
        subtitle="What inspectors and operators name when a part is bad."
        action={
          <ActionButton needs={[PERM.qualityPlanWrite]} onClick={() => setAdding(true)}>
            New defect code
          </ActionButton>
        }
      />
      <TextInput
        label="Search"
        placeholder="Code or name"
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
              <Table.Th>Code</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Site</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((d) => (
              <Table.Tr key={`${d.site ?? ""}/${d.code}`}>
                <Table.Td fw={700}>{d.code}</Table.Td>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>{d.site ?? "Every site"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {codes.data && shown.length === 0 ? <Text c="gray.7">No defect code matches.</Text> : null}
      {adding ? <AddDefectDialog onClose={() => setAdding(false)} /> : null}
    </Stack>
  );
}
