import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import {
  ITEM_KINDS,
  TRACKINGS,
  useCreateBom,
  useExplosion,
  useItem,
  useItemBoms,
  useItemsPage,
  useUpdateItem,
  type Bom,
  type Item,
  type ItemKind,
  type ItemUpdate,
  type Tracking,
} from "../../api/masterData";
import { PERM } from "../../auth/permissions";
import { codeLabel } from "../../i18n";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatQuantity } from "../../lib/format";
import { ActionButton, FormModal, KindBadge } from "./common";
import { validateBom, validateItem, type BomForm, type BomLineForm, type Errors, type ItemForm } from "./validation";

/** the remove buttons' icon (their aria-label says what they remove) */
const REMOVE = "✕";

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** A scrap factor (0.05) as a percentage in the user's locale ("5.00" in en, "5,00" in de). */
function percent(factor: string): string {
  return (Number(factor) * 100).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

const NEW_LINE: BomLineForm = { component: "", quantity: "", uom: "", scrapFactor: "0", alternateGroup: "", priority: "1" };

function NewBomDialog({ item, versions, onClose }: { item: Item; versions: readonly Bom[]; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateBom(item.code);
  const components = useItemsPage({ limit: 500, offset: 0 });
  const [form, setForm] = useState<BomForm>({
    version: "",
    baseQuantity: "1",
    validFrom: today(),
    validTo: "",
    lines: [{ ...NEW_LINE }],
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const choices = (components.data?.items ?? [])
    .filter((c) => c.code !== item.code)
    .map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` }));
  const unitOf = (code: string) => components.data?.items.find((c) => c.code === code)?.uom ?? "";
  const setLine = (i: number, change: Partial<BomLineForm>) =>
    setForm({ ...form, lines: form.lines.map((l, j) => (j === i ? { ...l, ...change } : l)) });
  return (
    <FormModal
      title={t("master.item.newBomTitle", { code: item.code })}
      submitLabel={t("master.item.createBom")}
      size="90rem"
      onClose={onClose}
      validate={() => {
        const e = validateBom(form);
        if (versions.some((b) => b.version === form.version.trim())) e.version = t("master.validation.versionTaken");
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const bom = await create.mutateAsync({
          version: form.version.trim(),
          base_quantity: form.baseQuantity.trim().replace(",", "."),
          valid_from: form.validFrom,
          valid_to: form.validTo || null,
          lines: form.lines.map((l) => ({
            component: l.component,
            quantity: l.quantity.trim().replace(",", "."),
            uom: l.uom.trim(),
            scrap_factor: (l.scrapFactor.trim() || "0").replace(",", "."),
            alternate_group: l.alternateGroup.trim() || null,
            priority: Number(l.priority || "1"),
          })),
        });
        notifications.show({
          color: "green.9",
          title: t("master.item.bomCreated"),
          message: t("master.item.bomCreatedMsg", { item: bom.item, version: bom.version }),
        });
      }}
    >
      <Group grow align="flex-start">
        <TextInput
          label={t("common.version")}
          data-autofocus
          value={form.version}
          error={errors.version}
          onChange={(e) => setForm({ ...form, version: e.currentTarget.value })}
        />
        <TextInput
          label={t("master.item.baseQuantityIn", { uom: item.uom })}
          description={t("master.item.baseQuantityHint")}
          value={form.baseQuantity}
          error={errors.baseQuantity}
          onChange={(e) => setForm({ ...form, baseQuantity: e.currentTarget.value })}
        />
        <TextInput
          label={t("master.field.validFrom")}
          type="date"
          value={form.validFrom}
          error={errors.validFrom}
          onChange={(e) => setForm({ ...form, validFrom: e.currentTarget.value })}
        />
        <TextInput
          label={t("master.item.validToExclusive")}
          description={t("master.item.validToHint")}
          type="date"
          value={form.validTo}
          error={errors.validTo}
          onChange={(e) => setForm({ ...form, validTo: e.currentTarget.value })}
        />
      </Group>
      <Title order={4}>{t("master.item.components")}</Title>
      {errors.lines ? <Text c="red.9">{errors.lines}</Text> : null}
      <Table data-testid="bom-lines-form" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("master.field.component")}</Table.Th>
            <Table.Th>{t("master.field.quantity")}</Table.Th>
            <Table.Th>{t("master.field.unit")}</Table.Th>
            <Table.Th>{t("master.field.scrapFactor")}</Table.Th>
            <Table.Th>{t("master.field.alternateGroup")}</Table.Th>
            <Table.Th>{t("master.field.priority")}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {form.lines.map((l, i) => (
            <Table.Tr key={i}>
              <Table.Td miw={240}>
                <Select
                  aria-label={t("master.item.componentN", { n: i + 1 })}
                  searchable
                  data={choices}
                  value={l.component || null}
                  error={errors[`lines.${i}.component`]}
                  onChange={(v) => setLine(i, { component: v ?? "", uom: l.uom || unitOf(v ?? "") })}
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={t("master.item.quantityN", { n: i + 1 })}
                  value={l.quantity}
                  error={errors[`lines.${i}.quantity`]}
                  onChange={(e) => setLine(i, { quantity: e.currentTarget.value })}
                />
              </Table.Td>
              <Table.Td w={90}>
                <TextInput
                  aria-label={t("master.item.unitN", { n: i + 1 })}
                  value={l.uom}
                  error={errors[`lines.${i}.uom`]}
                  onChange={(e) => setLine(i, { uom: e.currentTarget.value })}
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={t("master.item.scrapFactorN", { n: i + 1 })}
                  description={t("master.item.scrapHint")}
                  value={l.scrapFactor}
                  error={errors[`lines.${i}.scrapFactor`]}
                  onChange={(e) => setLine(i, { scrapFactor: e.currentTarget.value })}
                />
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={t("master.item.alternateGroupN", { n: i + 1 })}
                  value={l.alternateGroup}
                  error={errors[`lines.${i}.alternateGroup`]}
                  onChange={(e) => setLine(i, { alternateGroup: e.currentTarget.value })}
                />
              </Table.Td>
              <Table.Td w={90}>
                <TextInput
                  aria-label={t("master.item.priorityN", { n: i + 1 })}
                  value={l.priority}
                  error={errors[`lines.${i}.priority`]}
                  onChange={(e) => setLine(i, { priority: e.currentTarget.value })}
                />
              </Table.Td>
              <Table.Td>
                <ActionIcon
                  variant="subtle"
                  color="red.9"
                  aria-label={t("master.item.removeComponentN", { n: i + 1 })}
                  onClick={() => setForm({ ...form, lines: form.lines.filter((_, j) => j !== i) })}
                >
                  {REMOVE}
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Button
        variant="outline"
        w="fit-content"
        onClick={() => setForm({ ...form, lines: [...form.lines, { ...NEW_LINE }] })}
      >
        {t("master.item.addComponent")}
      </Button>
      <Text size="sm" c="gray.7">
        {t("master.item.alternatesHelp")}
      </Text>
    </FormModal>
  );
}

/**
 * The item's edit form, filled with the values read (and their version): only what was changed is
 * sent. The API refuses an edit made on an older version (someone saved meanwhile) and a unit or
 * tracking change once the item has lots; its problem detail is shown above the form.
 */
function EditItemDialog({ item, onClose }: { item: Item; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateItem(item.code);
  const [form, setForm] = useState<ItemForm>({
    code: item.code,
    name: item.name,
    kind: item.kind,
    uom: item.uom,
    tracking: item.tracking,
    shelfLife: item.shelf_life_days ? String(item.shelf_life_days) : "",
  });
  const [errors, setErrors] = useState<Errors<keyof ItemForm>>({});
  const field = (k: keyof ItemForm) => ({
    value: form[k],
    error: errors[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value }),
  });
  return (
    <FormModal
      title={t("master.item.editTitle", { code: item.code })}
      submitLabel={t("master.item.save")}
      onClose={onClose}
      validate={() => {
        const e = validateItem(form);
        setErrors(e);
        return Object.keys(e).length === 0;
      }}
      submit={async () => {
        const body: ItemUpdate = { version: item.version ?? 1 };
        const shelfLife = form.shelfLife.trim() ? Number(form.shelfLife) : null;
        if (form.name.trim() !== item.name) body.name = form.name.trim();
        if (form.kind !== item.kind) body.kind = form.kind as ItemKind;
        if (form.uom.trim() !== item.uom) body.uom = form.uom.trim();
        if (form.tracking !== item.tracking) body.tracking = form.tracking as Tracking;
        if (shelfLife !== (item.shelf_life_days ?? null)) body.shelf_life_days = shelfLife;
        const saved = await update.mutateAsync(body);
        notifications.show({ color: "green.9", title: t("master.item.saved"), message: `${saved.code} ${saved.name}` });
      }}
    >
      <TextInput label={t("common.code")} description={t("master.neverChanges")} value={item.code} disabled />
      <TextInput label={t("common.name")} data-autofocus {...field("name")} />
      <Group grow>
        <Select
          label={t("common.kind")}
          data={ITEM_KINDS.map((k) => ({ value: k, label: codeLabel("itemKind", k) }))}
          value={form.kind}
          error={errors.kind}
          onChange={(v) => setForm({ ...form, kind: v ?? "" })}
          allowDeselect={false}
        />
        <TextInput label={t("common.uom")} description={t("master.item.unitHint")} {...field("uom")} />
      </Group>
      <Group grow>
        <Select
          label={t("master.items.tracking")}
          description={t("master.item.trackingHint")}
          data={TRACKINGS.map((k) => ({ value: k, label: codeLabel("tracking", k) }))}
          value={form.tracking}
          error={errors.tracking}
          onChange={(v) => setForm({ ...form, tracking: v ?? "" })}
          allowDeselect={false}
        />
        <TextInput
          label={t("master.items.shelfLifeDays")}
          description={t("master.item.shelfLifeHint")}
          {...field("shelfLife")}
        />
      </Group>
    </FormModal>
  );
}

function BomCard({ bom, current }: { bom: Bom; current: boolean }) {
  const { t } = useTranslation();
  return (
    <Card withBorder data-testid={`bom-${bom.version}`}>
      <Group justify="space-between">
        <Group>
          <Title order={4}>{t("master.item.versionN", { version: bom.version })}</Title>
          {current ? (
            <Badge color="green.9" variant="filled">
              {t("master.item.effectiveToday")}
            </Badge>
          ) : null}
        </Group>
        <Text c="gray.7">
          {t("master.item.bomValid", {
            quantity: formatQuantity(bom.base_quantity, bom.uom),
            from: formatDate(bom.valid_from),
            to: bom.valid_to ? formatDate(bom.valid_to) : t("master.item.openEnded"),
          })}
        </Text>
      </Group>
      <Table mt="sm" fz="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t("master.field.component")}</Table.Th>
            <Table.Th ta="right">{t("master.field.quantity")}</Table.Th>
            <Table.Th ta="right">{t("master.field.scrapFactor")}</Table.Th>
            <Table.Th>{t("master.field.alternateGroup")}</Table.Th>
            <Table.Th ta="right">{t("master.field.priority")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {bom.lines.map((l) => (
            <Table.Tr key={l.position}>
              <Table.Td>{l.position}</Table.Td>
              <Table.Td fw={600}>
                <Link to={`/master/items/${encodeURIComponent(l.component)}`}>{l.component}</Link>
              </Table.Td>
              <Table.Td ta="right">{formatQuantity(l.quantity, l.uom)}</Table.Td>
              <Table.Td ta="right">{Number(l.scrap_factor) ? `${percent(l.scrap_factor)} %` : "—"}</Table.Td>
              <Table.Td>{l.alternate_group ?? "—"}</Table.Td>
              <Table.Td ta="right">{l.alternate_group ? l.priority : "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function ExplosionView({ item }: { item: Item }) {
  const { t } = useTranslation();
  const [quantity, setQuantity] = useState("1");
  const [on, setOn] = useState(today());
  const [asked, setAsked] = useState<{ quantity: string; on: string } | null>(null);
  const explosion = useExplosion(item.code, asked?.quantity ?? "1", asked?.on ?? on, !!asked);
  const badQuantity = !/^\d{1,12}([.,]\d{1,6})?$/.test(quantity.trim()) || Number(quantity.replace(",", ".")) <= 0;
  return (
    <Stack data-testid="explosion">
      <Title order={3}>{t("master.item.explosion")}</Title>
      <Group align="flex-end">
        <TextInput
          label={t("master.item.quantityIn", { uom: item.uom })}
          value={quantity}
          onChange={(e) => setQuantity(e.currentTarget.value)}
          error={badQuantity ? t("master.item.quantityAboveZero") : undefined}
        />
        <TextInput label={t("master.item.on")} type="date" value={on} onChange={(e) => setOn(e.currentTarget.value)} />
        <Button
          disabled={badQuantity || !on}
          onClick={() => setAsked({ quantity: quantity.trim().replace(",", "."), on })}
        >
          {t("master.item.explode")}
        </Button>
      </Group>
      {asked && explosion.isPending ? <Loading /> : null}
      {explosion.isError ? <ProblemAlert error={explosion.error} /> : null}
      {asked && explosion.data ? (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Table fz="md" data-testid="explosion-lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("master.item.componentByLevel")}</Table.Th>
                <Table.Th ta="right">{t("master.item.quantityWithScrap")}</Table.Th>
                <Table.Th>{t("master.item.bom")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {explosion.data.lines.map((l) => (
                <Table.Tr key={l.path}>
                  <Table.Td pl={`${l.level * 1.25}rem`} title={l.path}>
                    <Text span c="gray.6">
                      {l.level}
                    </Text>{" "}
                    <Anchor component={Link} to={`/master/items/${encodeURIComponent(l.component)}`} fw={600}>
                      {l.component}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right">{formatQuantity(l.quantity, l.uom)}</Table.Td>
                  <Table.Td>{l.bom_version}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Card withBorder>
            <Title order={4}>
              {t("master.item.toStock", { quantity: formatQuantity(explosion.data.quantity, explosion.data.uom) })}
            </Title>
            <Table fz="md" data-testid="explosion-totals">
              <Table.Tbody>
                {explosion.data.totals.map((total) => (
                  <Table.Tr key={total.component}>
                    <Table.Td fw={600}>{total.component}</Table.Td>
                    <Table.Td ta="right">{formatQuantity(total.quantity, total.uom)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </SimpleGrid>
      ) : null}
    </Stack>
  );
}

export function ItemPage() {
  const { t } = useTranslation();
  const { code = "" } = useParams();
  const item = useItem(code);
  const boms = useItemBoms(code);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState(false);
  if (item.isPending) return <Loading label={t("master.item.lookingUp", { code })} />;
  if (item.isError) return <ProblemAlert error={item.error} onRetry={() => void item.refetch()} />;
  const i = item.data;
  const day = today();
  const effective = (boms.data ?? []).filter((b) => b.valid_from <= day && (!b.valid_to || b.valid_to > day)).at(-1);
  return (
    <Stack gap="lg" maw={1400}>
      <Anchor component={Link} to="/master/items">
        ← {t("master.items.title")}
      </Anchor>
      <Card withBorder padding="lg" data-testid="item-card">
        <Group justify="space-between">
          <div>
            <Text size="sm" c="gray.7" fw={600} tt="uppercase">
              {t("common.item")}
            </Text>
            <Title order={2} data-testid="item-code">
              {i.code}
            </Title>
            <Text size="lg" data-testid="item-name">
              {i.name}
            </Text>
          </div>
          <Group>
            <KindBadge group="itemKind" value={i.kind} />
            <ActionButton needs={[PERM.materialMasterWrite]} onClick={() => setEditing(true)}>
              {t("master.item.edit")}
            </ActionButton>
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 2, md: 4 }} mt="md">
          <div>
            <Text c="gray.7" size="sm">{t("common.uom")}</Text>
            <Text fw={700} data-testid="item-uom">{i.uom}</Text>
          </div>
          <div>
            <Text c="gray.7" size="sm">{t("master.items.tracking")}</Text>
            <Text fw={700}>{codeLabel("tracking", i.tracking)}</Text>
          </div>
          <div>
            <Text c="gray.7" size="sm">{t("master.items.shelfLife")}</Text>
            <Text fw={700} data-testid="item-shelf-life">
              {i.shelf_life_days ? t("master.items.days", { count: i.shelf_life_days }) : t("master.item.noExpiry")}
            </Text>
          </div>
          <div>
            <Text c="gray.7" size="sm">{t("master.item.receipts")}</Text>
            <Text fw={700}>{i.inspect_on_receipt ? t("master.item.inspected") : t("master.item.availableAtOnce")}</Text>
          </div>
        </SimpleGrid>
      </Card>
      <Group justify="space-between">
        <Title order={3}>{t("master.item.bomTitle")}</Title>
        <ActionButton needs={[PERM.materialMasterWrite]} onClick={() => setCreating(true)}>
          {t("master.item.newBom")}
        </ActionButton>
      </Group>
      {boms.isPending ? <Loading /> : null}
      {boms.isError ? <ProblemAlert error={boms.error} /> : null}
      {boms.data && boms.data.length === 0 ? <Text c="gray.7">{t("master.item.noBom", { code: i.code })}</Text> : null}
      {boms.data?.map((b) => <BomCard key={b.version} bom={b} current={b === effective} />)}
      {boms.data && boms.data.length > 0 ? <ExplosionView item={i} /> : null}
      {editing ? <EditItemDialog item={i} onClose={() => setEditing(false)} /> : null}
      {creating ? <NewBomDialog item={i} versions={boms.data ?? []} onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}
