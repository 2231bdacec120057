import {
  Accordion,
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  MultiSelect,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import {
  useCreateRouting,
  useExplosion,
  useProduct,
  useRoutings,
  useSkills,
  type Product,
  type Routing,
} from "../../api/masterData";
import { useWorkCenters } from "../../api/workOrders";
import { PERM } from "../../auth/permissions";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatQuantity } from "../../lib/format";
import { ActionButton, FormModal } from "./common";
import { validateRouting, type OperationForm } from "./validation";

/** the remove buttons' icon (their aria-label says what they remove) */
const REMOVE = "✕";

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** "MOULDING:2" or "MOULDING" (level 1) */
function parseSkill(tag: string): { code: string; level: string } {
  const [code = "", level = "1"] = tag.split(":");
  return { code: code.trim(), level: level.trim() || "1" };
}

function newOp(seq: number): OperationForm {
  return { seq: String(seq), name: "", workCenter: "", setup: "0", run: "", skills: [], materials: [], outputItem: "" };
}

function NewRoutingDialog({
  product,
  routings,
  onClose,
}: {
  product: Product;
  routings: readonly Routing[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateRouting(product.code);
  const workCenters = useWorkCenters();
  const skills = useSkills();
  // the materials a step may consume: the direct components of the BOM effective today
  const bom = useExplosion(product.code, "1", today(), true);
  const components = (bom.data?.lines ?? []).filter((l) => l.level === 1);
  const [version, setVersion] = useState(String(routings.length + 1));
  const [ops, setOps] = useState<OperationForm[]>([newOp(10)]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const setOp = (i: number, change: Partial<OperationForm>) =>
    setOps(ops.map((o, j) => (j === i ? { ...o, ...change } : o)));
  const wcChoices = (workCenters.data?.items ?? []).map((w) => ({ value: w.code, label: `${w.name} (${w.code})` }));
  const skillChoices = (skills.data ?? []).map((s) => s.code);
  return (
    <FormModal
      title={t("master.product.newRoutingTitle", { code: product.code })}
      submitLabel={t("master.product.createRouting")}
      size="90rem"
      onClose={onClose}
      validate={() => {
        const e = validateRouting(version, ops);
        if (routings.some((r) => r.version === version.trim())) e.version = t("master.validation.routingVersionTaken");
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const r = await create.mutateAsync({
          version: version.trim(),
          operations: ops.map((o) => ({
            seq: Number(o.seq),
            name: o.name.trim(),
            work_center: o.workCenter,
            setup_minutes: o.setup.trim().replace(",", "."),
            run_minutes_per_unit: o.run.trim().replace(",", "."),
            skills: o.skills.map((s) => ({ code: s.code, min_level: Number(s.level) })),
            materials: o.materials.map((item) => ({ item })),
            output_item: o.outputItem.trim() || null,
            steps: [], // work instructions are kept by the routing API; none from this form
          })),
        });
        notifications.show({
          color: "green.9",
          title: t("master.product.routingCreated"),
          message: t("master.product.routingCreatedMsg", {
            product: r.product,
            version: r.version,
            count: r.operations.length,
          }),
        });
      }}
    >
      <TextInput
        label={t("common.version")}
        w={200}
        data-autofocus
        value={version}
        error={errors.version}
        onChange={(e) => setVersion(e.currentTarget.value)}
      />
      {bom.isError ? (
        <Text c="orange.9" fw={600}>
          {t("master.product.noBomToday", { code: product.code })}
        </Text>
      ) : null}
      {errors.operations ? <Text c="red.9">{errors.operations}</Text> : null}
      {ops.map((op, i) => (
        <Card withBorder key={i} data-testid={`op-form-${i}`}>
          <Group justify="space-between" mb="xs">
            <Title order={5}>{t("master.product.operationN", { n: i + 1 })}</Title>
            <ActionIcon
              variant="subtle"
              color="red.9"
              aria-label={t("master.product.removeOperationN", { n: i + 1 })}
              onClick={() => setOps(ops.filter((_, j) => j !== i))}
            >
              {REMOVE}
            </ActionIcon>
          </Group>
          <Group grow align="flex-start">
            <TextInput
              label={t("master.product.no")}
              maw={90}
              value={op.seq}
              error={errors[`ops.${i}.seq`]}
              onChange={(e) => setOp(i, { seq: e.currentTarget.value })}
            />
            <TextInput
              label={t("common.name")}
              value={op.name}
              error={errors[`ops.${i}.name`]}
              onChange={(e) => setOp(i, { name: e.currentTarget.value })}
            />
            <Select
              label={t("common.workCenter")}
              searchable
              data={wcChoices}
              value={op.workCenter || null}
              error={errors[`ops.${i}.workCenter`]}
              onChange={(v) => setOp(i, { workCenter: v ?? "" })}
            />
            <TextInput
              label={t("master.product.setupMin")}
              value={op.setup}
              error={errors[`ops.${i}.setup`]}
              onChange={(e) => setOp(i, { setup: e.currentTarget.value })}
            />
            <TextInput
              label={t("master.product.runMin")}
              value={op.run}
              error={errors[`ops.${i}.run`]}
              onChange={(e) => setOp(i, { run: e.currentTarget.value })}
            />
          </Group>
          <Group grow align="flex-start" mt="xs">
            <TagsInput
              label={t("master.product.skills")}
              description={t("master.product.skillsHint")}
              data={skillChoices}
              value={op.skills.map((s) => (s.level === "1" ? s.code : `${s.code}:${s.level}`))}
              error={op.skills.map((_, j) => errors[`ops.${i}.skills.${j}`]).find(Boolean)}
              onChange={(tags) => setOp(i, { skills: tags.map(parseSkill) })}
            />
            <MultiSelect
              label={t("master.product.materialsHere")}
              description={t("master.product.materialsHint")}
              searchable
              data={components.map((c) => ({
                value: c.component,
                label: t("master.product.materialOption", { item: c.component, quantity: formatQuantity(c.quantity, c.uom) }),
              }))}
              value={op.materials}
              disabled={components.length === 0}
              error={errors[`ops.${i}.materials`]}
              onChange={(v) => setOp(i, { materials: v })}
            />
            <TextInput
              label={t("master.field.outputItem")}
              description={
                i === ops.length - 1 ? t("master.product.outputLast", { code: product.code }) : t("master.product.outputNone")
              }
              value={op.outputItem}
              error={errors[`ops.${i}.outputItem`]}
              onChange={(e) => setOp(i, { outputItem: e.currentTarget.value })}
            />
          </Group>
        </Card>
      ))}
      <Button
        variant="outline"
        w="fit-content"
        onClick={() => setOps([...ops, newOp((Number(ops.at(-1)?.seq) || 0) + 10)])}
      >
        {t("master.product.addOperation")}
      </Button>
    </FormModal>
  );
}

function RoutingTable({ routing }: { routing: Routing }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table fz="md" verticalSpacing="sm" data-testid={`routing-${routing.version}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("master.product.no")}</Table.Th>
            <Table.Th>{t("common.operation")}</Table.Th>
            <Table.Th>{t("common.workCenter")}</Table.Th>
            <Table.Th ta="right">{t("master.product.setup")}</Table.Th>
            <Table.Th ta="right">{t("master.product.runPerUnit")}</Table.Th>
            <Table.Th>{t("master.product.skills")}</Table.Th>
            <Table.Th>{t("master.product.materialsPerUnit")}</Table.Th>
            <Table.Th>{t("master.product.makes")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {routing.operations.map((o) => (
            <Table.Tr key={o.seq}>
              <Table.Td fw={700}>{o.seq}</Table.Td>
              <Table.Td>{o.name}</Table.Td>
              <Table.Td>{o.work_center}</Table.Td>
              <Table.Td ta="right">{t("master.product.minutes", { value: formatQuantity(o.setup_minutes) })}</Table.Td>
              <Table.Td ta="right">{t("master.product.minutes", { value: formatQuantity(o.run_minutes_per_unit) })}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {o.skills.map((s) => (
                    <Badge key={s.code} variant="filled" color="blue.9">
                      {t("master.product.skillMin", { code: s.code, level: s.min_level ?? 1 })}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                {o.materials.length
                  ? o.materials.map((m) => `${m.item} ${formatQuantity(m.quantity, m.uom)}`).join(", ")
                  : "—"}
              </Table.Td>
              <Table.Td>{o.output_item ?? "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function ProductPage() {
  const { t } = useTranslation();
  const { code = "" } = useParams();
  const product = useProduct(code);
  const routings = useRoutings(code);
  const [creating, setCreating] = useState(false);
  if (product.isPending) return <Loading label={t("master.item.lookingUp", { code })} />;
  if (product.isError) return <ProblemAlert error={product.error} onRetry={() => void product.refetch()} />;
  const p = product.data;
  const versions = routings.data ?? [];
  const latest = versions.at(-1);
  return (
    <Stack gap="lg" maw={1400}>
      <Anchor component={Link} to="/master/products">
        ← {t("master.products.title")}
      </Anchor>
      <Card withBorder padding="lg">
        <Text size="sm" c="gray.7" fw={600} tt="uppercase">
          {t("common.product")}
        </Text>
        <Title order={2} data-testid="product-code">
          {p.code}
        </Title>
        <Text size="lg">
          {t("master.product.countedIn", { name: p.name, uom: p.uom })} ·{" "}
          <Anchor component={Link} to={`/master/items/${encodeURIComponent(p.code)}`}>
            {t("master.product.itemAndBom")}
          </Anchor>
        </Text>
      </Card>
      <Group justify="space-between">
        <Title order={3}>{t("master.product.routings")}</Title>
        <ActionButton needs={[PERM.routingWrite]} onClick={() => setCreating(true)}>
          {t("master.product.newRouting")}
        </ActionButton>
      </Group>
      <Text c="gray.7">{t("master.product.intro")}</Text>
      {routings.isPending ? <Loading /> : null}
      {routings.isError ? <ProblemAlert error={routings.error} /> : null}
      {routings.data && versions.length === 0 ? <Text c="gray.7">{t("master.product.noRouting", { code: p.code })}</Text> : null}
      {versions.length ? (
        <Accordion multiple defaultValue={latest ? [latest.version] : []} variant="separated">
          {[...versions].reverse().map((r) => (
            <Accordion.Item key={r.version} value={r.version}>
              <Accordion.Control>
                <Group>
                  <Text fw={700}>{t("master.item.versionN", { version: r.version })}</Text>
                  {r === latest ? (
                    <Badge color="green.9" variant="filled">
                      {t("master.product.latest")}
                    </Badge>
                  ) : null}
                  <Text c="gray.7">
                    {t("master.product.routingMeta", {
                      operations: t("master.product.operations", { count: r.operations.length }),
                      bom: r.bom_version ?? "—",
                      when: formatDateTime(r.created_at),
                      who: r.created_by,
                    })}
                  </Text>
                </Group>
              </Accordion.Control>
              <Accordion.Panel>
                <RoutingTable routing={r} />
              </Accordion.Panel>
            </Accordion.Item>
          ))}
        </Accordion>
      ) : null}
      {creating ? <NewRoutingDialog product={p} routings={versions} onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}
