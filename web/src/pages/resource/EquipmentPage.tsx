import {
  Badge,
  Box,
  Button,
  Card,
  Grid,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from "@mantine/core";
import { useEffect, useState, type FormEvent } from "react";
import {
  useAllEquipment,
  useCurrentState,
  useEquipmentDetail,
  useEquipmentPage,
  useRegisterEquipment,
  useSetAttributes,
  type Equipment,
  type EquipmentDetail,
  type EquipmentSort,
  type Level,
} from "../../api/resource";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatQuantity } from "../../lib/format";
import { apiSort, Pager, SortTh, useUrlState, type SortDir } from "../admin/listing";
import { useTranslation } from "react-i18next";
import { codeLabel } from "../../i18n";

const WRITE = "resource:equipment:write";
const LEVELS: Level[] = ["enterprise", "site", "area", "work_center", "equipment"];
const CHILD: Record<string, Level | undefined> = {
  enterprise: "site",
  site: "area",
  area: "work_center",
  work_center: "equipment",
};

interface Node {
  item: Equipment;
  children: Node[];
}

/** The plant model as a tree (ISA-95: enterprise, site, area, work center, machine). */
export function buildTree(items: readonly Equipment[]): Node[] {
  const nodes = new Map(items.map((e) => [e.code, { item: e, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const n of nodes.values()) {
    const parent = n.item.parent_code ? nodes.get(n.item.parent_code) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  const order = (list: Node[]) => {
    list.sort((a, b) => a.item.code.localeCompare(b.item.code, undefined, { numeric: true }));
    list.forEach((n) => order(n.children));
  };
  order(roots);
  return roots;
}

function Tree({ nodes, selected, onSelect, depth = 0 }: { nodes: Node[]; selected: string | null; onSelect: (c: string) => void; depth?: number }) {
  return (
    <Stack gap={0}>
      {nodes.map((n) => (
        <Box key={n.item.code}>
          <UnstyledButton
            onClick={() => onSelect(n.item.code)}
            pl={depth * 18 + 6}
            py={4}
            w="100%"
            bg={selected === n.item.code ? "blue.1" : undefined}
            data-testid={`tree-${n.item.code}`}
          >
            <Group gap={6} wrap="nowrap">
              <Badge size="xs" variant="light" w={92}>
                {codeLabel("equipmentLevel", n.item.level)}
              </Badge>
              <Text fw={selected === n.item.code ? 700 : 500} truncate>
                {n.item.name} <Text span c="dimmed" size="sm">({n.item.code})</Text>
              </Text>
            </Group>
          </UnstyledButton>
          {n.children.length ? <Tree nodes={n.children} selected={selected} onSelect={onSelect} depth={depth + 1} /> : null}
        </Box>
      ))}
    </Stack>
  );
}

function Attributes({ detail }: { detail: EquipmentDetail }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const save = useSetAttributes();
  const [tz, setTz] = useState(detail.time_zone ?? "");
  const [capacity, setCapacity] = useState(detail.capacity ?? "");
  const [uom, setUom] = useState(detail.capacity_uom ?? "");
  const [micro, setMicro] = useState<number | string>(detail.micro_stop_s);
  const [noSignal, setNoSignal] = useState<number | string>(detail.no_signal_s);
  useEffect(() => {
    setTz(detail.time_zone ?? "");
    setCapacity(detail.capacity ?? "");
    setUom(detail.capacity_uom ?? "");
    setMicro(detail.micro_stop_s);
    setNoSignal(detail.no_signal_s);
  }, [detail]);
  const editable = can(WRITE);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      code: detail.code,
      body: {
        time_zone: tz.trim() || null,
        capacity: capacity.trim() ? capacity.trim().replace(",", ".") : null,
        capacity_uom: uom.trim() || null,
        micro_stop_s: typeof micro === "number" ? micro : null,
        no_signal_s: typeof noSignal === "number" ? noSignal : null,
      },
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {save.isError ? <ProblemAlert error={save.error} /> : null}
        {save.isSuccess ? <Text c="green.9">{t("resource.equipment.saved")}</Text> : null}
        <Group grow>
          <TextInput label={t("resource.equipment.timeZone")} placeholder={t("resource.equipment.inherited")} value={tz} onChange={(e) => setTz(e.currentTarget.value)} disabled={!editable} />
          <TextInput label={t("resource.equipment.capacity")} value={capacity} onChange={(e) => setCapacity(e.currentTarget.value)} disabled={!editable} />
          <TextInput label={t("resource.equipment.capacityUnit")} value={uom} onChange={(e) => setUom(e.currentTarget.value)} disabled={!editable} />
        </Group>
        <Group grow>
          <NumberInput label={t("resource.equipment.microStop")} min={1} max={86400} value={micro} onChange={setMicro} disabled={!editable} />
          <NumberInput label={t("resource.equipment.noSignal")} min={1} max={86400} value={noSignal} onChange={setNoSignal} disabled={!editable} />
        </Group>
        {editable ? (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              {t("resource.equipment.saveAttributes")}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}

function Details({ code }: { code: string }) {
  const { t } = useTranslation();
  const detail = useEquipmentDetail(code);
  const state = useCurrentState(code);
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ProblemAlert error={detail.error} />;
  const d = detail.data;
  return (
    <Card withBorder padding="lg" data-testid="equipment-detail">
      <Stack>
        <Group justify="space-between">
          <div>
            <Title order={3}>
              {d.name} ({d.code})
            </Title>
            <Text c="dimmed">
              {codeLabel("equipmentLevel", d.level)} · {d.path}
            </Text>
          </div>
          {state.data?.state ? (
            <Badge size="lg" color={state.data.available ? "green.8" : "orange.8"} data-testid="equipment-state">
              {codeLabel("equipmentState", state.data.state)} · {state.data.available ? t("resource.equipment.available") : t("resource.equipment.unavailable")}
            </Badge>
          ) : null}
        </Group>
        <Text size="sm">
          {t("resource.equipment.registered", { at: formatDateTime(d.created_at), by: d.created_by })}
        </Text>
        <Attributes detail={d} />
        {d.cycle_times.length ? (
          <>
            <Text fw={700}>{t("resource.equipment.cycleTimes")}</Text>
            <Table>
              <Table.Tbody>
                {d.cycle_times.map((c) => (
                  <Table.Tr key={c.product_code}>
                    <Table.Td>{c.product_code}</Table.Td>
                    <Table.Td>{t("resource.equipment.seconds", { value: formatQuantity(c.ideal_cycle_time_s) })}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        ) : null}
        {Object.keys(d.counters).length ? (
          <>
            <Text fw={700}>{t("resource.equipment.counters")}</Text>
            <Text size="sm">
              {Object.entries(d.counters)
                .map(([k, v]) => `${k}: ${String(v)}`)
                .join(" · ")}
            </Text>
          </>
        ) : null}
      </Stack>
    </Card>
  );
}

function Register({ parent, onClose }: { parent: Equipment | null; onClose: (code?: string) => void }) {
  const { t } = useTranslation();
  const register = useRegisterEquipment();
  const level = parent ? CHILD[parent.level] : "enterprise";
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  return (
    <Modal opened onClose={() => onClose()} title={parent ? t("resource.equipment.newUnder", { level: codeLabel("equipmentLevel", level ?? ""), parent: parent.code }) : t("resource.equipment.new", { level: codeLabel("equipmentLevel", level ?? "") })} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!level) return;
          register.mutate(
            { code: code.trim(), name: name.trim(), level, parent_code: parent?.code ?? null },
            { onSuccess: (r) => onClose(r.code) },
          );
        }}
        noValidate
      >
        <Stack>
          {register.isError ? <ProblemAlert error={register.error} /> : null}
          <TextInput label={t("common.code")} required value={code} onChange={(e) => setCode(e.currentTarget.value)} />
          <TextInput label={t("common.name")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onClose()}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={register.isPending}>
              {t("resource.equipment.register")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ListView() {
  const { t } = useTranslation();
  const url = useUrlState({ level: "", size: "25", sort: "path", dir: "asc", code: "", view: "tree" });
  const size = Number(url.get("size"));
  const page = useEquipmentPage({
    level: (url.get("level") || undefined) as Level | undefined,
    sort: apiSort(url.get("sort"), url.get("dir") as SortDir) as EquipmentSort,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  return (
    <Stack>
      <Select
        label={t("resource.equipment.level")}
        placeholder={t("resource.equipment.everyLevel")}
        w={220}
        data={LEVELS.map((l) => ({ value: l, label: codeLabel("equipmentLevel", l) }))}
        value={url.get("level") || null}
        onChange={(v) => url.set({ level: v })}
        clearable
      />
      {page.isError ? <ProblemAlert error={page.error} /> : null}
      <Table striped highlightOnHover data-testid="equipment-list">
        <Table.Thead>
          <Table.Tr>
            <SortTh column="code" sort={sort} dir={dir} onSort={onSort}>
              {t("common.code")}
            </SortTh>
            <SortTh column="name" sort={sort} dir={dir} onSort={onSort}>
              {t("common.name")}
            </SortTh>
            <SortTh column="level" sort={sort} dir={dir} onSort={onSort}>
              {t("resource.equipment.level")}
            </SortTh>
            <SortTh column="path" sort={sort} dir={dir} onSort={onSort}>
              {t("resource.equipment.path")}
            </SortTh>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(page.data?.items ?? []).map((e) => (
            <Table.Tr key={e.code} onClick={() => url.set({ code: e.code, view: "tree" })} style={{ cursor: "pointer" }}>
              <Table.Td fw={700}>{e.code}</Table.Td>
              <Table.Td>{e.name}</Table.Td>
              <Table.Td>{codeLabel("equipmentLevel", e.level)}</Table.Td>
              <Table.Td>{e.path}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {page.data ? (
        <Pager total={page.data.total} page={url.page} size={size} onPage={url.setPage} onSize={(s) => url.set({ size: s })} />
      ) : null}
    </Stack>
  );
}

/** The plant model: a tree of site, area, line, work center and machine, each with its attributes. */
export function EquipmentPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const all = useAllEquipment();
  const url = useUrlState({ code: "", view: "tree" });
  const [adding, setAdding] = useState<Equipment | null | undefined>(undefined);
  const selected = url.get("code") || null;
  const current = all.data?.find((e) => e.code === selected) ?? null;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t("resource.equipment.title")}</Title>
        {can(WRITE) && current && CHILD[current.level] ? (
          <Button onClick={() => setAdding(current)}>
            {t("resource.equipment.newUnder", { level: codeLabel("equipmentLevel", CHILD[current.level] ?? ""), parent: current.code })}
          </Button>
        ) : null}
      </Group>
      <Tabs value={url.get("view")} onChange={(v) => url.set({ view: v })}>
        <Tabs.List>
          <Tabs.Tab value="tree">{t("resource.equipment.hierarchy")}</Tabs.Tab>
          <Tabs.Tab value="list">{t("resource.equipment.list")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="tree" pt="md">
          {all.isError ? <ProblemAlert error={all.error} /> : null}
          {all.isPending ? (
            <Loading label={t("resource.equipment.loading")} />
          ) : (
            <Grid>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <Card withBorder padding="xs" data-testid="equipment-tree">
                  <Tree nodes={buildTree(all.data ?? [])} selected={selected} onSelect={(c) => url.set({ code: c })} />
                  {can(WRITE) && !(all.data ?? []).length ? (
                    <Button mt="sm" onClick={() => setAdding(null)}>
                      {t("resource.equipment.registerEnterprise")}
                    </Button>
                  ) : null}
                </Card>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 7 }}>
                {selected ? <Details code={selected} /> : <Text c="dimmed">{t("resource.equipment.choose")}</Text>}
              </Grid.Col>
            </Grid>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="list" pt="md">
          <ListView />
        </Tabs.Panel>
      </Tabs>
      {adding !== undefined ? (
        <Register
          parent={adding}
          onClose={(code) => {
            setAdding(undefined);
            if (code) url.set({ code });
          }}
        />
      ) : null}
    </Stack>
  );
}
