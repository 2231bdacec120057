import { Badge, Button, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useGrantQualification, usePersons, useSkills, type Person, type PersonSort, type Qualification } from "../../api/resource";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate } from "../../lib/format";
import { apiSort, Pager, SortTh, useUrlState, type SortDir } from "../admin/listing";
import { useTranslation } from "react-i18next";

const WRITE = "resource:personnel:write";
export const SOON_DAYS = 30;

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** "expired", "soon" (within SOON_DAYS) or null for a qualification's certification. */
export function expiry(q: Pick<Qualification, "expires_on">, today = new Date()): "expired" | "soon" | null {
  if (!q.expires_on) return null;
  const t = isoDay(today);
  if (q.expires_on < t) return "expired";
  const soon = new Date(today.getTime() + SOON_DAYS * 86400_000);
  return q.expires_on <= isoDay(soon) ? "soon" : null;
}

function QualificationBadge({ q }: { q: Qualification }) {
  const { t } = useTranslation();
  const state = expiry(q);
  const color = state === "expired" ? "red.9" : state === "soon" ? "orange.8" : "blue";
  return (
    <Badge
      color={color}
      variant={state ? "filled" : "light"}
      title={q.expires_on ? t("resource.people.certifiedUntil", { date: formatDate(q.expires_on) }) : t("resource.people.noExpiry")}
      data-testid={state ? `qualification-${state}` : "qualification"}
    >
      {q.skill} L{q.level}
      {q.expires_on ? ` · ${t(state === "expired" ? "resource.people.expiredOn" : "resource.people.until", { date: formatDate(q.expires_on) })}` : ""}
    </Badge>
  );
}

function Grant({ person, onClose }: { person: Person; onClose: () => void }) {
  const { t } = useTranslation();
  const grant = useGrantQualification();
  const skills = useSkills();
  const [skill, setSkill] = useState<string | null>(null);
  const [level, setLevel] = useState<number | string>(1);
  const [expires, setExpires] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    grant.mutate(
      { username: person.username, skill: skill ?? "", level: Number(level), expiresOn: expires || null },
      { onSuccess: onClose },
    );
  };
  return (
    <Modal opened onClose={onClose} title={t("resource.people.qualifyTitle", { name: person.name })} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {grant.isError ? <ProblemAlert error={grant.error} /> : null}
          <Select
            label={t("resource.people.skill")}
            required
            data={(skills.data ?? []).map((s) => ({ value: s.code, label: `${s.name} (${s.code})` }))}
            value={skill}
            onChange={setSkill}
          />
          <NumberInput label={t("resource.people.level")} min={1} max={9} value={level} onChange={setLevel} />
          <TextInput label={t("resource.people.certifiedOptional")} type="date" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={grant.isPending}>
              {t("resource.people.grant")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** People with their skills, levels and certification expiry (expired and expiring soon stand out). */
export function PeoplePage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const skills = useSkills();
  const url = useUrlState({ skill: "", active: "active", expiring: "", size: "25", sort: "name", dir: "asc" });
  const size = Number(url.get("size"));
  const active = url.get("active");
  const expiringDays = url.get("expiring");
  const persons = usePersons({
    skill: url.get("skill") || undefined,
    active: active === "all" ? undefined : active === "active",
    expiring_by: expiringDays ? isoDay(new Date(Date.now() + Number(expiringDays) * 86400_000)) : undefined,
    sort: apiSort(url.get("sort"), url.get("dir") as SortDir) as PersonSort,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const [granting, setGranting] = useState<Person | null>(null);
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  const rows = persons.data?.items ?? []; // one page, sorted by the API
  return (
    <Stack>
      <Title order={2}>{t("resource.people.title")}</Title>
      <Group align="flex-end">
        <Select
          label={t("resource.people.skill")}
          placeholder={t("resource.people.anySkill")}
          w={220}
          data={(skills.data ?? []).map((s) => ({ value: s.code, label: s.name }))}
          value={url.get("skill") || null}
          onChange={(v) => url.set({ skill: v })}
          clearable
        />
        <SegmentedControl
          data={[
            { value: "active", label: t("resource.people.activeFilter") },
            { value: "inactive", label: t("resource.people.inactiveFilter") },
            { value: "all", label: t("common.all") },
          ]}
          value={active}
          onChange={(v) => url.set({ active: v })}
        />
        <Select
          label={t("resource.people.expiring")}
          placeholder={t("resource.people.any")}
          w={200}
          data={[
            { value: "0", label: t("resource.people.alreadyExpired") },
            { value: "30", label: t("resource.people.withinDays", { count: 30 }) },
            { value: "90", label: t("resource.people.withinDays", { count: 90 }) },
          ]}
          value={expiringDays || null}
          onChange={(v) => url.set({ expiring: v })}
          clearable
        />
      </Group>
      <Text size="sm" c="dimmed">
        {t("resource.people.legend", { days: SOON_DAYS })}
      </Text>
      {persons.isError ? <ProblemAlert error={persons.error} onRetry={() => void persons.refetch()} /> : null}
      {persons.isPending ? (
        <Loading label={t("resource.people.loading")} />
      ) : (
        <Table striped data-testid="persons">
          <Table.Thead>
            <Table.Tr>
              <SortTh column="name" sort={sort} dir={dir} onSort={onSort}>
                {t("common.name")}
              </SortTh>
              <SortTh column="username" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.people.user")}
              </SortTh>
              <Table.Th>{t("resource.people.skills")}</Table.Th>
              <SortTh column="active" sort={sort} dir={dir} onSort={onSort}>
                {t("common.status")}
              </SortTh>
              {can(WRITE) ? <Table.Th /> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((p) => (
              <Table.Tr key={p.username} data-testid={`person-${p.username}`}>
                <Table.Td fw={700}>{p.name}</Table.Td>
                <Table.Td>{p.username}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {p.qualifications.map((q) => (
                      <QualificationBadge key={q.skill} q={q} />
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{p.active ? t("resource.people.active") : <Badge color="gray.6">{t("resource.people.inactive")}</Badge>}</Table.Td>
                {can(WRITE) ? (
                  <Table.Td>
                    <Button size="xs" variant="default" onClick={() => setGranting(p)}>
                      {t("resource.people.qualify")}
                    </Button>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {persons.data ? (
        <Pager total={persons.data.total} page={url.page} size={size} onPage={url.setPage} onSize={(s) => url.set({ size: s })} />
      ) : null}
      {granting ? <Grant person={granting} onClose={() => setGranting(null)} /> : null}
    </Stack>
  );
}
