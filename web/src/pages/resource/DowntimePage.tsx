import { Badge, Button, Group, Modal, SegmentedControl, Select, Stack, Switch, Table, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  useAllEquipment,
  useClassifyDowntime,
  useCommentDowntime,
  useDowntimes,
  useReasonCodes,
  useSplitDowntime,
  type Downtime,
  type DowntimeSort,
  type Equipment,
} from "../../api/resource";
import { useSession } from "../../auth/useSession";
import { Loading } from "../../components/Loading";
import { ProblemAlert } from "../../components/ProblemAlert";
import { formatDateTime, formatDuration } from "../../lib/format";
import { apiSort, Pager, SortTh, useUrlState, type SortDir } from "../admin/listing";

const WRITE = "resource:downtime:write";

/** The site a piece of equipment belongs to (its nearest ancestor of level site). */
export function siteOf(code: string | null, all: readonly Equipment[]): string | null {
  const byCode = new Map(all.map((e) => [e.code, e]));
  let e = code ? byCode.get(code) : undefined;
  while (e && e.level !== "site") e = e.parent_code ? byCode.get(e.parent_code) : undefined;
  return e?.code ?? null;
}

/** A `datetime-local` input's value for an ISO time, in the browser's zone. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

type Dialog = { kind: "classify" | "split" | "comment"; stop: Downtime } | null;

function useReasonOptions(site: string | null) {
  const reasons = useReasonCodes(site);
  return (reasons.data ?? []).map((r) => ({ value: r.code, label: `${r.name} (${r.code})` }));
}

function StopDialog({ dialog, site, onClose }: { dialog: NonNullable<Dialog>; site: string | null; onClose: () => void }) {
  const classify = useClassifyDowntime();
  const comment = useCommentDowntime();
  const split = useSplitDowntime();
  const reasons = useReasonOptions(site);
  const { t } = useTranslation();
  const { stop, kind } = dialog;
  const [reason, setReason] = useState<string | null>(stop.reason_code);
  const [text, setText] = useState(kind === "comment" ? (stop.comment ?? "") : "");
  const middle = stop.ended_at
    ? new Date((new Date(stop.started_at).getTime() + new Date(stop.ended_at).getTime()) / 2).toISOString()
    : new Date().toISOString();
  const [at, setAt] = useState(localInput(middle));
  const running = kind === "classify" ? classify : kind === "comment" ? comment : split;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (kind === "classify") classify.mutate({ id: stop.id, reasonCode: reason ?? "", comment: text.trim() }, { onSuccess: onClose });
    else if (kind === "comment") comment.mutate({ id: stop.id, comment: text.trim() }, { onSuccess: onClose });
    else split.mutate({ id: stop.id, at: new Date(at).toISOString(), reasonCode: reason }, { onSuccess: onClose });
  };
  const title = {
    classify: t("resource.downtime.classifyTitle", { machine: stop.equipment_code }),
    split: t("resource.downtime.splitTitle", { machine: stop.equipment_code }),
    comment: t("resource.downtime.commentTitle", { machine: stop.equipment_code }),
  }[kind];
  return (
    <Modal opened onClose={onClose} title={title} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text>
            {formatDateTime(stop.started_at, { seconds: true })} – {stop.ended_at ? formatDateTime(stop.ended_at, { seconds: true }) : t("resource.downtime.stillDown")}
          </Text>
          {running.isError ? <ProblemAlert error={running.error} /> : null}
          {kind === "split" ? (
            <TextInput
              label={t("resource.downtime.splitAt")}
              description={t("resource.downtime.splitHint")}
              type="datetime-local"
              step={1}
              value={at}
              onChange={(e) => setAt(e.currentTarget.value)}
            />
          ) : null}
          {kind !== "comment" ? (
            <Select
              label={kind === "split" ? t("resource.downtime.secondReason") : t("common.reason")}
              data={reasons}
              value={kind === "split" ? null : reason}
              onChange={setReason}
              searchable
              clearable={kind === "split"}
              required={kind === "classify"}
              data-testid="reason-select"
            />
          ) : null}
          {kind !== "split" ? (
            <Textarea
              label={kind === "comment" ? t("resource.downtime.comment") : t("resource.downtime.commentOptional")}
              autosize
              minRows={2}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("dialog.cancel")}
            </Button>
            <Button type="submit" loading={running.isPending}>
              {kind === "classify" ? t("resource.downtime.classify") : kind === "split" ? t("resource.downtime.split") : t("resource.downtime.saveComment")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A machine's stops in a period: classify them with a reason, split one in two, comment. */
export function DowntimePage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const equipment = useAllEquipment();
  const machines = (equipment.data ?? []).filter((e) => e.level === "equipment");
  const url = useUrlState({ machine: "", hours: "168", open: "", sort: "started_at", dir: "desc", size: "25" });
  const machine = url.get("machine") || machines[0]?.code || null;
  const hours = Number(url.get("hours"));
  const [now] = useState(() => Math.floor(Date.now() / 60_000) * 60_000);
  const period = useMemo(
    () => ({ start: new Date(now - hours * 3600_000).toISOString(), end: new Date(now + 3600_000).toISOString() }),
    [now, hours],
  );
  const sort = url.get("sort");
  const dir = url.get("dir") as SortDir;
  const size = Number(url.get("size"));
  const onSort = (column: string, d: SortDir) => url.set({ sort: column, dir: d });
  const unclassifiedOnly = url.get("open") === "1";
  // the API filters, sorts and pages (ADR 44): the page shown is the one it answers
  const stops = useDowntimes(machine, {
    ...period,
    classified: unclassifiedOnly ? false : undefined,
    sort: apiSort(sort, dir) as DowntimeSort,
    limit: size,
    offset: (url.page - 1) * size,
  });
  const site = siteOf(machine, equipment.data ?? []);
  const [dialog, setDialog] = useState<Dialog>(null);
  const total = stops.data?.total ?? stops.data?.items.length ?? 0;
  const writable = can(WRITE);
  return (
    <Stack>
      <Title order={2}>{t("resource.downtime.title")}</Title>
      <Group align="flex-end">
        <Select
          label={t("resource.downtime.machine")}
          w={280}
          data={machines.map((m) => ({ value: m.code, label: `${m.name} (${m.code})` }))}
          value={machine}
          onChange={(v) => url.set({ machine: v })}
          searchable
          allowDeselect={false}
          data-testid="downtime-machine"
        />
        <SegmentedControl
          data={[
            { value: "24", label: t("resource.downtime.hours", { count: 24 }) },
            { value: "168", label: t("resource.downtime.days", { count: 7 }) },
            { value: "720", label: t("resource.downtime.days", { count: 30 }) },
          ]}
          value={String(hours)}
          onChange={(v) => url.set({ hours: v })}
        />
        <Switch
          label={t("resource.downtime.unclassifiedOnly")}
          checked={unclassifiedOnly}
          onChange={(e) => url.set({ open: e.currentTarget.checked ? "1" : null })}
        />
      </Group>
      {stops.isError ? <ProblemAlert error={stops.error} onRetry={() => void stops.refetch()} /> : null}
      {stops.isPending ? (
        <Loading label={t("resource.downtime.loading")} />
      ) : (
        <Table striped data-testid="downtimes">
          <Table.Thead>
            <Table.Tr>
              <SortTh column="started_at" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.downtime.started")}
              </SortTh>
              <SortTh column="ended_at" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.downtime.ended")}
              </SortTh>
              <SortTh column="duration_s" sort={sort} dir={dir} onSort={onSort}>
                {t("resource.downtime.duration")}
              </SortTh>
              <SortTh column="reason_code" sort={sort} dir={dir} onSort={onSort}>
                {t("common.reason")}
              </SortTh>
              <Table.Th>{t("resource.downtime.loss")}</Table.Th>
              <Table.Th>{t("resource.downtime.comment")}</Table.Th>
              {writable ? <Table.Th>{t("common.actions")}</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(stops.data?.items ?? []).map((s) => (
              <Table.Tr key={s.id} data-testid={`downtime-${s.id}`}>
                <Table.Td>{formatDateTime(s.started_at, { seconds: true })}</Table.Td>
                <Table.Td>{s.ended_at ? formatDateTime(s.ended_at, { seconds: true }) : <Badge color="red.9">{t("resource.downtime.downNow")}</Badge>}</Table.Td>
                <Table.Td>
                  {s.duration_s !== null ? formatDuration(s.duration_s * 1000) : "—"}{" "}
                  {s.micro_stop ? <Badge variant="light">{t("resource.downtime.microStop")}</Badge> : null}
                </Table.Td>
                <Table.Td>
                  {s.reason_code ? (
                    <Text fw={700}>
                      {s.reason_code}{" "}
                      <Text span size="xs" c="dimmed">
                        {t("resource.downtime.by", { user: s.classified_by })}
                      </Text>
                    </Text>
                  ) : (
                    <Badge color="orange.9">{t("resource.downtime.unclassified")}</Badge>
                  )}
                </Table.Td>
                <Table.Td>{s.iso22400_element}</Table.Td>
                <Table.Td>{s.comment ?? "—"}</Table.Td>
                {writable ? (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant={s.reason_code ? "default" : "filled"}
                        onClick={() => setDialog({ kind: "classify", stop: s })}
                      >
                        {s.reason_code ? t("resource.downtime.reclassify") : t("resource.downtime.classify")}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setDialog({ kind: "split", stop: s })}>
                        {t("resource.downtime.split")}
                      </Button>
                      <Button size="xs" variant="default" onClick={() => setDialog({ kind: "comment", stop: s })}>
                        {t("resource.downtime.commentAction")}
                      </Button>
                    </Group>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {stops.data ? (
        total ? (
          <Pager total={total} page={url.page} size={size} onPage={url.setPage} onSize={(v) => url.set({ size: v })} />
        ) : (
          <Text c="dimmed">{t("resource.downtime.none", { machine })}</Text>
        )
      ) : null}
      {dialog ? <StopDialog dialog={dialog} site={site} onClose={() => setDialog(null)} /> : null}
    </Stack>
  );
}
