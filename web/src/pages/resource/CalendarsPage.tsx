import {
  Badge,
  Box,
  Button,
  Card,
  Group,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMemo, useState, type FormEvent } from "react";
import {
  useAddException,
  useAllEquipment,
  useCalendar,
  useCalendarExceptions,
  usePlannedWindows,
  useSetCalendar,
  type CalendarException,
  type PlannedWindow,
  type ShiftPattern,
} from "../../api/resource";
import { ApiError } from "../../api/problem";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDate, formatDateTime } from "../../lib/format";
import { useUrlState } from "../admin/listing";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";

const WRITE = "resource:shift:write";
const DAY = 24 * 3600_000;
const HOUR_PX = 18;
/** Monday to Sunday, short, in the UI's language (1 January 2024 was a Monday). */
function weekdays(): string[] {
  return Array.from({ length: 7 }, (_, i) => new Date(2024, 0, 1 + i).toLocaleDateString(i18n.language, { weekday: "short" }));
}

/** A local date as YYYY-MM-DD. */
function dayIso(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Monday 00:00 (browser time) of the week holding `d`, as YYYY-MM-DD. */
export function mondayOf(d: Date): string {
  const m = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  m.setDate(m.getDate() - ((m.getDay() + 6) % 7));
  return dayIso(m);
}

function localMidnight(isoDay: string): Date {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export interface Block {
  day: number; // 0 = Monday
  fromH: number;
  toH: number;
}

/** Windows cut at midnight into blocks per day of the week starting at `monday`. */
export function weekBlocks(windows: readonly PlannedWindow[], monday: Date): Block[] {
  const blocks: Block[] = [];
  const start = monday.getTime();
  for (const w of windows) {
    let a = new Date(w.start).getTime();
    const b = new Date(w.end).getTime();
    while (a < b) {
      const dayIndex = Math.floor((a - start) / DAY);
      const dayStart = new Date(monday);
      dayStart.setDate(monday.getDate() + dayIndex);
      const dayEnd = new Date(dayStart);
      dayEnd.setDate(dayStart.getDate() + 1);
      const until = Math.min(b, dayEnd.getTime());
      if (dayIndex >= 0 && dayIndex < 7) {
        blocks.push({
          day: dayIndex,
          fromH: (a - dayStart.getTime()) / 3600_000,
          toH: (until - dayStart.getTime()) / 3600_000,
        });
      }
      a = until;
    }
  }
  return blocks;
}

function WeekView({ code, week }: { code: string; week: string }) {
  const { t } = useTranslation();
  const monday = localMidnight(week);
  const end = new Date(monday);
  end.setDate(monday.getDate() + 7);
  const windows = usePlannedWindows(code, monday.toISOString(), end.toISOString());
  const exceptions = useCalendarExceptions(code);
  const blocks = useMemo(() => weekBlocks(windows.data?.windows ?? [], localMidnight(week)), [windows.data, week]);
  const holidays = (exceptions.data ?? []).filter((x) => x.kind === "holiday" && x.day);
  if (windows.isError) return <ProblemAlert error={windows.error} />;
  if (windows.isPending) return <Loading label={t("resource.calendars.loadingWeek")} />;
  return (
    <Stack gap="xs">
      <Text>
        {t("resource.calendars.planned", { hours: Math.round(windows.data.minutes / 6) / 10 })}
      </Text>
      <Group align="flex-start" gap={0} wrap="nowrap" data-testid="week-view">
        <Box w={40} pt={24}>
          {Array.from({ length: 25 }, (_, h) => (
            <Text key={h} size="xs" c="dimmed" h={h < 24 ? HOUR_PX : undefined} lh={1} style={{ visibility: h % 3 === 0 ? "visible" : "hidden" }}>
              {String(h).padStart(2, "0")}
            </Text>
          ))}
        </Box>
        {weekdays().map((label, i) => {
          const day = new Date(monday);
          day.setDate(monday.getDate() + i);
          const holiday = holidays.find((h) => h.day === dayIso(day));
          return (
            <Box key={label} style={{ flex: 1 }}>
              <Text ta="center" fw={700} size="sm" h={24}>
                {label} {day.getDate()}
              </Text>
              <Box
                pos="relative"
                h={24 * HOUR_PX}
                bg={holiday ? "red.0" : "gray.0"}
                style={{ borderLeft: "1px solid var(--mantine-color-gray-3)" }}
                data-testid={`day-${i}`}
              >
                {holiday ? (
                  <Text size="xs" c="red.9" ta="center" fw={700} pt={4}>
                    {holiday.name}
                  </Text>
                ) : null}
                {blocks
                  .filter((b) => b.day === i)
                  .map((b) => (
                    <Box
                      key={`${b.fromH}`}
                      pos="absolute"
                      left={4}
                      right={4}
                      top={b.fromH * HOUR_PX}
                      h={(b.toH - b.fromH) * HOUR_PX}
                      bg="blue.6"
                      style={{ borderRadius: 3 }}
                      title={`${b.fromH.toFixed(2)}–${b.toH.toFixed(2)} h`}
                      data-testid="planned-window"
                    />
                  ))}
              </Box>
            </Box>
          );
        })}
      </Group>
    </Stack>
  );
}

function Patterns({ code }: { code: string }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const calendar = useCalendar(code);
  const save = useSetCalendar();
  const [draft, setDraft] = useState({ name: "", weekdays: ["1", "2", "3", "4", "5"], start: "06:00", end: "14:00" });
  const inherits = calendar.isError && calendar.error instanceof ApiError && calendar.error.status === 404;
  const patterns: ShiftPattern[] = calendar.data?.patterns ?? [];
  const editable = can(WRITE);
  const put = (next: ShiftPattern[]) =>
    save.mutate({ code, patterns: next, timeZone: calendar.data?.time_zone ?? null });
  const add = (e: FormEvent) => {
    e.preventDefault();
    put([
      ...patterns,
      { name: draft.name.trim(), weekdays: draft.weekdays.map(Number).sort(), start: draft.start, end: draft.end, breaks: [] },
    ]);
  };
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={4}>{t("resource.calendars.patternsOf", { code })}</Title>
        {calendar.isPending ? <Loading /> : null}
        {inherits ? <Text c="dimmed">{t("resource.calendars.inherits", { code })}</Text> : null}
        {calendar.isError && !inherits ? <ProblemAlert error={calendar.error} /> : null}
        {save.isError ? <ProblemAlert error={save.error} /> : null}
        {calendar.data ? <Text size="sm">{t("resource.calendars.timeZone", { tz: calendar.data.time_zone })}</Text> : null}
        {patterns.length ? (
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("resource.calendars.shift")}</Table.Th>
                <Table.Th>{t("resource.calendars.days")}</Table.Th>
                <Table.Th>{t("resource.calendars.hours")}</Table.Th>
                <Table.Th>{t("resource.calendars.breaks")}</Table.Th>
                {editable ? <Table.Th /> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {patterns.map((p, i) => (
                <Table.Tr key={`${p.name}-${i}`}>
                  <Table.Td fw={700}>{p.name}</Table.Td>
                  <Table.Td>{p.weekdays.map((d) => weekdays()[d - 1]).join(" ")}</Table.Td>
                  <Table.Td>
                    {p.start}–{p.end}
                  </Table.Td>
                  <Table.Td>{(p.breaks ?? []).map((b) => `${b.start}–${b.end}`).join(", ") || "—"}</Table.Td>
                  {editable ? (
                    <Table.Td>
                      <Button size="xs" variant="default" color="red.9" onClick={() => put(patterns.filter((_, j) => j !== i))}>
                        {t("common.remove")}
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {editable ? (
          <form onSubmit={add} noValidate>
            <Group align="flex-end">
              <TextInput label={t("resource.calendars.newShift")} required w={120} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
              <MultiSelect
                label={t("resource.calendars.days")}
                w={260}
                data={weekdays().map((d, i) => ({ value: String(i + 1), label: d }))}
                value={draft.weekdays}
                onChange={(v) => setDraft({ ...draft, weekdays: v })}
              />
              <TextInput label={t("common.from")} type="time" value={draft.start} onChange={(e) => setDraft({ ...draft, start: e.currentTarget.value })} />
              <TextInput label={t("common.to")} type="time" value={draft.end} onChange={(e) => setDraft({ ...draft, end: e.currentTarget.value })} />
              <Button type="submit" loading={save.isPending}>
                {t("resource.calendars.addShift")}
              </Button>
            </Group>
          </form>
        ) : null}
      </Stack>
    </Card>
  );
}

function Exceptions({ code }: { code: string }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const exceptions = useCalendarExceptions(code);
  const add = useAddException();
  const [kind, setKind] = useState<"holiday" | "non_production">("holiday");
  const [name, setName] = useState("");
  const [day, setDay] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      {
        code,
        body:
          kind === "holiday"
            ? { kind, name: name.trim(), day: day || null }
            : {
                kind,
                name: name.trim(),
                starts_at: from ? new Date(from).toISOString() : null,
                ends_at: to ? new Date(to).toISOString() : null,
              },
      },
      { onSuccess: () => setName("") },
    );
  };
  const when = (x: CalendarException) =>
    x.day ? formatDate(x.day) : `${formatDateTime(x.starts_at)} – ${formatDateTime(x.ends_at)}`;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={4}>{t("resource.calendars.exceptions")}</Title>
        {exceptions.isError ? <ProblemAlert error={exceptions.error} /> : null}
        {(exceptions.data ?? []).length ? (
          <Table data-testid="exceptions">
            <Table.Tbody>
              {(exceptions.data ?? []).map((x) => (
                <Table.Tr key={x.id}>
                  <Table.Td>
                    <Badge color={x.kind === "holiday" ? "red.8" : "orange.8"} variant="light">
                      {x.kind === "holiday" ? t("resource.calendars.holiday") : t("resource.calendars.noProduction")}
                    </Badge>
                  </Table.Td>
                  <Table.Td fw={700}>{x.name}</Table.Td>
                  <Table.Td>{when(x)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed">{t("resource.calendars.noExceptions")}</Text>
        )}
        {can(WRITE) ? (
          <form onSubmit={submit} noValidate>
            <Stack gap="xs">
              {add.isError ? <ProblemAlert error={add.error} /> : null}
              <Group align="flex-end">
                <Select
                  label={t("common.kind")}
                  w={180}
                  data={[
                    { value: "holiday", label: t("resource.calendars.holidayOption") },
                    { value: "non_production", label: t("resource.calendars.noProductionOption") },
                  ]}
                  value={kind}
                  onChange={(v) => v && setKind(v as typeof kind)}
                  allowDeselect={false}
                />
                <TextInput label={t("common.name")} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
                {kind === "holiday" ? (
                  <TextInput label={t("resource.calendars.day")} type="date" value={day} onChange={(e) => setDay(e.currentTarget.value)} />
                ) : (
                  <>
                    <TextInput label={t("common.from")} type="datetime-local" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
                    <TextInput label={t("common.to")} type="datetime-local" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
                  </>
                )}
                <Button type="submit" loading={add.isPending}>
                  {t("resource.calendars.addException")}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : null}
      </Stack>
    </Card>
  );
}

/** Shift calendars: a week of planned production per site, line or machine, its shifts and exceptions. */
export function CalendarsPage() {
  const { t } = useTranslation();
  const all = useAllEquipment();
  const withCalendars = (all.data ?? []).filter((e) => e.level !== "enterprise");
  const firstSite = withCalendars.find((e) => e.level === "site")?.code ?? "";
  const url = useUrlState({ code: "", week: mondayOf(new Date()) });
  const code = url.get("code") || firstSite;
  const week = url.get("week");
  const shift = (days: number) => {
    const d = localMidnight(week);
    d.setDate(d.getDate() + days);
    url.set({ week: mondayOf(d) });
  };
  return (
    <Stack>
      <Title order={2}>{t("resource.calendars.title")}</Title>
      <Group align="flex-end">
        <Select
          label={t("resource.calendars.equipment")}
          w={340}
          data={withCalendars.map((e) => ({ value: e.code, label: `${e.name} (${e.code})` }))}
          value={code || null}
          onChange={(v) => url.set({ code: v })}
          searchable
          allowDeselect={false}
          data-testid="calendar-equipment"
        />
        <Button variant="default" onClick={() => shift(-7)}>
          {t("resource.calendars.previous")}
        </Button>
        <Text fw={700} data-testid="week-label">
          {t("resource.calendars.weekOf", { date: formatDate(week) })}
        </Text>
        <Button variant="default" onClick={() => shift(7)}>
          {t("resource.calendars.next")}
        </Button>
        <Button variant="subtle" onClick={() => url.set({ week: null })}>
          {t("resource.calendars.thisWeek")}
        </Button>
      </Group>
      {all.isPending ? <Loading /> : null}
      {code ? (
        <>
          <WeekView code={code} week={week} />
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Patterns code={code} />
            <Exceptions code={code} />
          </SimpleGrid>
        </>
      ) : null}
    </Stack>
  );
}
